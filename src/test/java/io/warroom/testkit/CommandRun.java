package io.warroom.testkit;

import io.warroom.cli.WarroomCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import picocli.CommandLine;

/** A warroom command running on a thread of the test, as {@code java -jar warroom.jar ARGS} would run it. */
public final class CommandRun {
    private final StringWriter screen = new StringWriter();
    private final Thread thread;
    private volatile int exitCode = -1;

    private CommandRun(String... args) {
        CommandLine cli = new CommandLine(new WarroomCli());
        cli.setOut(new PrintWriter(screen, true));
        cli.setErr(new PrintWriter(screen, true));
        thread = new Thread(() -> exitCode = cli.execute(args), "command-under-test");
        thread.setDaemon(true);
    }

    public static CommandRun start(String... args) {
        CommandRun run = new CommandRun(args);
        run.thread.start();
        return run;
    }

    public boolean running() {
        return thread.isAlive();
    }

    /** Everything the command printed so far, out and err. */
    public String screen() {
        return screen.toString();
    }

    /** Waits for the command to end; its exit code, or null if it is still running after {@code timeout}. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return thread.isAlive() ? null : exitCode;
    }
}
