package io.warroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.cli.WarroomCli;
import io.warroom.serde.Json;
import io.warroom.serde.Money;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The yardsticks the project is judged by, {@code ../shared/peers} (a plain and a tuned single-thread loop, and the
 * same metrics in Flink SQL; see its README), run beside {@code warroom replay} on the same files: each a whole
 * process from JVM start to exit, one run each, with the same heap, as they are compared. The replay is started as
 * ops start it ({@code java -Xmx4g -jar warroom.jar replay ...}). Its per-item numbers must equal the plain loop's
 * exact ones (uv and buyers within the sketch bound), or the bench fails.
 */
final class Yardsticks {
    /** The heap {@code ../shared/peers/run.sh} gives each peer. */
    static final String HEAP = "4g";

    private static final Pattern SECONDS = Pattern.compile("(raw|sql)_seconds=([0-9.]+)");
    private static final Pattern PEAK = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    /** One whole-process run. */
    record Run(String name, double seconds, long peakResidentKb) {}

    /** The replay and the three yardsticks, on {@code input}. */
    record Result(Run replay, Run plainLoop, Run tunedLoop, Run flinkSql) {
        /** How many times faster the replay is than {@code other} (below 1: slower). */
        double ratio(Run other) {
            return other.seconds() / replay.seconds();
        }

        /** The replay first, then the yardsticks. */
        List<Run> runs() {
            return List.of(replay, plainLoop, tunedLoop, flinkSql);
        }
    }

    private Yardsticks() {}

    static Result run(Path peers, BenchInput input, String campaignId, Path outDir, PrintWriter log)
            throws IOException, InterruptedException {
        Files.createDirectories(outDir);
        Run replay = replay(input, outDir, log);
        Run plain = peer(peers, input.folder(), outDir.resolve("plain"), "raw", "--plain", "plain loop", log);
        Run tuned = peer(peers, input.folder(), outDir.resolve("tuned"), "raw", "", "tuned loop", log);
        Run sql = peer(peers, input.folder(), outDir.resolve("sql"), "sql", "", "Flink SQL peer", log);
        List<String> differences = itemsAgainstPeer(readPeer(outDir.resolve("plain").resolve("raw.json")),
                ReportTotals.read(outDir.resolve("report.json")).campaign(campaignId).items);
        if (!differences.isEmpty()) {
            throw new BenchFailure("the whole-process replay differs from the plain loop's exact numbers:\n  "
                    + String.join("\n  ", differences));
        }
        return new Result(replay, plain, tuned, sql);
    }

    /** {@code warroom replay} of {@code input} as a whole process; its report goes to {@code outDir/report.json}. */
    static Run replay(BenchInput input, Path outDir, PrintWriter log) throws IOException, InterruptedException {
        Files.createDirectories(outDir);
        Path report = outDir.resolve("report.json");
        Files.deleteIfExists(report);
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o",
                outDir.resolve("replay.time").toString(),
                ProcessHandle.current().info().command().orElse("java"), "-Xmx" + HEAP,
                "-cp", System.getProperty("java.class.path"), WarroomCli.class.getName(),
                "replay", "--campaign", input.campaignFile().toString(), "--input", input.folder().toString(),
                "--report", report.toString()));
        log.println("warroom replay of " + input.folder().getFileName() + ", whole process...");
        log.flush();
        double seconds = timed(command, outDir.resolve("replay.log"));
        Run run = new Run("warroom replay", seconds, peak(outDir.resolve("replay.time")));
        logRun(run, log);
        return run;
    }

    private static Run peer(Path peers, Path input, Path outDir, String only, String rawArgs, String name,
            PrintWriter log) throws IOException, InterruptedException {
        log.println("yardsticks: " + name + "...");
        log.flush();
        Files.createDirectories(outDir);
        ProcessBuilder builder = new ProcessBuilder("bash", peers.resolve("run.sh").toString(), input.toString())
                .redirectErrorStream(true).redirectOutput(outDir.resolve("run.log").toFile());
        builder.environment().put("PEERS_OUT", outDir.toString());
        builder.environment().put("PEERS_ONLY", only);
        builder.environment().put("PEERS_RAW_ARGS", rawArgs);
        int exit = builder.start().waitFor();
        String output = Files.readString(outDir.resolve("run.log"), StandardCharsets.UTF_8);
        Matcher m = SECONDS.matcher(output);
        if (exit != 0 || !m.find()) {
            throw new BenchFailure(name + " failed (exit " + exit + "); see " + outDir.resolve("run.log"));
        }
        Run run = new Run(name, Double.parseDouble(m.group(2)), peak(outDir.resolve(only + ".time")));
        logRun(run, log);
        return run;
    }

    private static double timed(List<String> command, Path logFile) throws IOException, InterruptedException {
        long start = System.nanoTime();
        int exit = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start()
                .waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new BenchFailure("'" + String.join(" ", command) + "' failed (exit " + exit + "); see " + logFile);
        }
        return seconds;
    }

    private static long peak(Path timeReport) throws IOException {
        Matcher m = PEAK.matcher(Files.readString(timeReport, StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void logRun(Run run, PrintWriter log) {
        log.printf(Locale.ROOT, "  %s: %.1f s, peak resident %,d MiB%n", run.name(), run.seconds(),
                run.peakResidentKb() >> 10);
        log.flush();
    }

    /** The per-item numbers a peer writes: {@code {"items":[{"item_id","pv","uv","carts",...}]}}. */
    static Map<String, ContractTotals.Totals> readPeer(Path file) throws IOException {
        Map<String, ContractTotals.Totals> items = new HashMap<>();
        for (JsonNode i : Json.readReport(file).path("items")) {
            items.put(i.path("item_id").asText(), new ContractTotals.Totals(Money.parseCents(i.path("gmv").asText()),
                    0, i.path("orders").asLong(), i.path("units").asLong(), i.path("buyers").asLong(),
                    i.path("uv").asLong(), i.path("pv").asLong(), i.path("carts").asLong()));
        }
        return items;
    }

    /**
     * Item by item, what a peer computes (no refunds): pv, carts, orders, units and gmv exactly, uv and buyers within
     * the item sketch bound; an item missing on one side counts as all zeros.
     */
    static List<String> itemsAgainstPeer(Map<String, ContractTotals.Totals> peer,
            Map<String, ContractTotals.Totals> report) {
        Map<String, ContractTotals.Totals> comparable = new HashMap<>();
        report.forEach((id, t) -> comparable.put(id,
                new ContractTotals.Totals(t.gmvCents, 0, t.orders, t.units, t.buyers, t.uv, t.pv, t.carts)));
        ContractTotals expected = new ContractTotals();
        expected.campaign("items").items.putAll(peer);
        ContractTotals actual = new ContractTotals();
        actual.campaign("items").items.putAll(comparable);
        return TotalsCheck.reportAgainstExact(expected, actual);
    }
}
