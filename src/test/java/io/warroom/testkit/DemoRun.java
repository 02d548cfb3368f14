package io.warroom.testkit;

import io.warroom.cli.DemoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code warroom demo} as a newcomer runs it, on a thread of the test, against a broker the test owns: a simulated
 * sale in (sped-up) real time through the monitor, with its Prometheus endpoint.
 */
public final class DemoRun implements AutoCloseable {
    private final DemoCommand demo = new DemoCommand();
    private final StringWriter screen = new StringWriter();
    private final Thread thread;
    private volatile int exitCode = -1;

    private DemoRun(List<String> args) {
        CommandLine cli = new CommandLine(demo);
        cli.setOut(new PrintWriter(screen, true));
        cli.setErr(new PrintWriter(screen, true));
        thread = new Thread(() -> exitCode = cli.execute(args.toArray(String[]::new)), "demo-under-test");
    }

    /** Starts {@code demo --bootstrap-servers BROKERS OPTIONS...}. */
    public static DemoRun start(String brokers, String... options) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", brokers));
        args.addAll(List.of(options));
        return startWith(args);
    }

    /** Starts {@code demo OPTIONS...}, with its own embedded broker unless the options name one. */
    public static DemoRun startWith(List<String> args) {
        DemoRun run = new DemoRun(args);
        run.thread.start();
        return run;
    }

    /** Everything the demo printed so far. */
    public String screen() {
        return screen.toString();
    }

    /** Waits until the generator has sent the whole sale. */
    public boolean awaitSaleOver(Duration timeout) throws InterruptedException {
        return Await.until(timeout, () -> screen().contains("simulated sale is over"));
    }

    /** Stops the demo as Ctrl-C does and returns its exit code. */
    public int stop() throws InterruptedException {
        demo.stop();
        thread.join(60_000);
        return exitCode;
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop();
        }
    }
}
