package io.warroom.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Where the live view goes. On a terminal it is redrawn in place at the terminal's current size (ANSI: cursor home,
 * clear), with the alert changes inside it; when the output is not a terminal (a pipe, a file, a dumb terminal),
 * every change is printed as one line and the campaigns' status as one line each at every redraw.
 */
public final class LiveScreen implements AutoCloseable {
    private static final String HOME_AND_CLEAR = "\033[H\033[2J";

    private final PrintWriter out;
    private final Terminal terminal;
    private final List<String> notes = new ArrayList<>();

    private LiveScreen(PrintWriter out, Terminal terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A terminal screen when standard output is an interactive terminal, else plain lines on {@code out}. */
    public static LiveScreen open(PrintWriter out) {
        if (System.console() == null || "dumb".equals(System.getenv("TERM"))) {
            return plain(out);
        }
        try {
            Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                terminal.close();
                return plain(out);
            }
            return new LiveScreen(terminal.writer(), terminal);
        } catch (IOException | RuntimeException e) {
            return plain(out);
        }
    }

    /** Plain lines, whatever the output is. */
    public static LiveScreen plain(PrintWriter out) {
        return new LiveScreen(out, null);
    }

    public boolean redrawsInPlace() {
        return terminal != null;
    }

    /** Shows the view as it is at {@code nowMillis}. */
    public void show(LiveView view, long nowMillis) {
        if (terminal == null) {
            view.statusLines(nowMillis).forEach(out::println);
        } else {
            int width = terminal.getWidth() > 0 ? terminal.getWidth() : 120;
            int height = terminal.getHeight() > 0 ? terminal.getHeight() : 40;
            out.print(HOME_AND_CLEAR);
            out.print(view.render(width, height - notes.size() - 1, nowMillis));
            notes.forEach(out::println);
        }
        out.flush();
    }

    /** An alert change: a line of its own on plain output; on a terminal the view lists the latest ones. */
    public void change(String line) {
        if (terminal == null) {
            out.println(line);
            out.flush();
        }
    }

    /** Something to tell the person watching (the sale is over, say), kept under the view on a terminal. */
    public void note(String line) {
        if (terminal == null) {
            out.println(line);
            out.flush();
        } else {
            notes.add(line);
        }
    }

    @Override
    public void close() throws IOException {
        if (terminal != null) {
            terminal.close();
        }
    }
}
