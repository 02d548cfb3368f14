package io.warroom.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.model.AlertType;
import io.warroom.serde.Money;
import io.warroom.soak.FaultSchedule.Kind;
import io.warroom.testkit.CommittedRecords.Committed;
import io.warroom.testkit.WarroomProcess;
import io.warroom.testkit.ReferenceMonitor;
import io.warroom.testkit.ReferenceMonitor.Alert;
import io.warroom.testkit.ReferenceMonitor.CampaignResult;
import io.warroom.testkit.ReferenceMonitor.Totals;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault soak of issue 11: {@code warroom run} as its own JVM over a real broker, fed a generated sale with 1%
 * poison at a steady rate, and hurt on a seeded schedule: SIGKILL and restore from the newest retained checkpoint,
 * a quiet spell after a restore, a broker restart under the running job. The committed outputs, read as a
 * downstream {@code read_committed} consumer reads them, must equal {@link ReferenceMonitor}'s computation of
 * docs/metrics.md and docs/alerts.md over the valid records sent, whatever happened on the way.
 *
 * <p>The default is the short version CI runs (a 10-minute sale, four faults). The long version:
 * {@code ./mvnw -o test -Dtest=FaultSoakIT -Dwarroom.soak.minutes=30 -Dwarroom.soak.faults=40}; see
 * docs/operations.md, "Fault soak", for every knob. Each test checks one promise, so a failure names it.
 */
class FaultSoakIT {
    /** Fields of a stats record that never go back for its key, in commit order: counters, and event time. */
    private static final String[] NEVER_BACK =
            {"gmv", "refunded", "orders", "units", "pv", "carts", "uv", "buyers", "watermark"};
    /** Mismatch lists are cut here in messages; the count says how many there were. */
    private static final int SHOWN = 25;

    private static FaultSoak soak;
    private static ReferenceMonitor.Expected expected;
    private static CampaignResult want;
    private static Map<String, List<JsonNode>> statsByKey;

    @BeforeAll
    static void runSoak() throws Exception {
        soak = new FaultSoak(FaultSoak.Settings.fromSystemProperties());
        soak.run();
        CampaignCatalog catalog = new CampaignCatalog(List.of(CampaignLoader.parse("soak.yaml",
                soak.sale.campaignYaml.getBytes(StandardCharsets.UTF_8))));
        expected = ReferenceMonitor.compute(soak.sale.clicks, soak.sale.carts, soak.sale.orders,
                soak.sale.inventory, catalog);
        want = expected.campaigns().get(soak.sale.campaignId);
        statsByKey = new LinkedHashMap<>();
        for (Committed c : soak.stats()) {
            if (c.json() != null) {
                statsByKey.computeIfAbsent(key(c.json()), k -> new ArrayList<>()).add(c.json());
            }
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (soak != null) {
            soak.close();
        }
    }

    @Test
    void everyFaultHappenedAndEveryRecordReachedTheBroker() throws Exception {
        assertThat(soak.faultsDone).as("faults injected of %s; %s", soak.schedule.faults(), soak.context())
                .isEqualTo(soak.schedule.faults().size());
        long kills = soak.schedule.count(Kind.KILL) + soak.schedule.count(Kind.KILL_THEN_QUIET);
        assertThat(soak.killExitCodes).as("exit codes of the killed jobs (SIGKILL is 137)")
                .hasSize((int) kills).allMatch(code -> code == WarroomProcess.SIGKILL_EXIT);
        assertThat(soak.sendFailure()).as("feed failure").isNull();
        assertThat(soak.acknowledged()).as("records the broker acknowledged").isEqualTo(soak.sale.records.size());
        assertThat(soak.inputRecordsOnBroker()).as("records in the input topics after every broker restart")
                .isEqualTo(soak.sale.records.size() + soak.tailRecords);
        assertThat(soak.jobExitCode).as("the last job still runs at the end; %s", soak.context()).isNull();
        assertThat(soak.inputConsumed).as("the job committed the end of every input partition; %s", soak.context())
                .isTrue();
    }

    @Test
    void campaignTotalsEqualTheReference() {
        JsonNode campaign = latest(soak.sale.campaignId);
        List<String> problems = new ArrayList<>();
        compareTotals("campaign", campaign, want.totals, 0.02, problems);
        assertNone(problems, "campaign totals against the reference (money, counts exact; uv, buyers within 2%)");
    }

    @Test
    void itemTotalsAndFinalStockEqualTheReference() {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        int distinctValues = 0;
        int withinTwoPercent = 0;
        for (Map.Entry<String, Totals> e : want.items.entrySet()) {
            String itemId = e.getKey();
            JsonNode item = latestOrNull(soak.sale.campaignId + "\u001f" + itemId);
            if (item == null) {
                problems.add("item " + itemId + ": no committed stats record");
                continue;
            }
            seen.add(itemId);
            Totals t = e.getValue();
            compareTotals("item " + itemId, item, t, 0.05, problems);
            Long stock = item.path("stock_remaining").isNull() ? null : item.path("stock_remaining").asLong();
            if (!Objects.equals(stock, t.stock)) {
                problems.add("item " + itemId + " stock_remaining: " + stock + ", reference " + t.stock);
            }
            distinctValues += 2;
            withinTwoPercent += within(item.path("uv").asLong(), t.users.size(), 0.02) ? 1 : 0;
            withinTwoPercent += within(item.path("buyers").asLong(), t.buyers.size(), 0.02) ? 1 : 0;
        }
        for (String key : statsByKey.keySet()) {
            String prefix = soak.sale.campaignId + "\u001f";
            if (key.startsWith(prefix) && !want.items.containsKey(key.substring(prefix.length()))) {
                problems.add("item " + key.substring(prefix.length()) + ": committed, but not in the reference");
            }
        }
        if (withinTwoPercent < Math.ceil(distinctValues * 0.95)) {
            problems.add("only " + withinTwoPercent + " of " + distinctValues
                    + " item uv and buyers values within 2% (docs/metrics.md: about 98.6%)");
        }
        assertThat(want.items).as("reference items").isNotEmpty();
        assertNone(problems, want.items.size() + " items: totals and stock_remaining against the reference");
    }

    @Test
    void pacingCheckpointsEqualTheReference() {
        JsonNode campaign = latest(soak.sale.campaignId);
        List<String> actual = new ArrayList<>();
        for (JsonNode p : campaign.path("pacing")) {
            actual.add(String.format("at %d planned %s gmv_before %s evaluated %s behind %s", p.path("at").asLong(),
                    p.path("planned_gmv").asText(), p.path("gmv_before").asText(), p.path("evaluated").asBoolean(),
                    p.path("behind").asBoolean()));
        }
        List<String> reference = want.pacing.stream().map(c -> String.format(
                "at %d planned %s gmv_before %s evaluated true behind %s", c.at(), Money.format(c.plannedCents()),
                Money.format(c.gmvBeforeCents()), c.behind())).toList();
        assertThat(actual).as("pacing of the final campaign record; %s", soak.context())
                .containsExactlyElementsOf(reference);
    }

    @Test
    void perMinuteAndChannelFiguresEqualTheReference() {
        Map<Long, String> minutes = new TreeMap<>();
        for (JsonNode record : statsByKey.getOrDefault(soak.sale.campaignId, List.of())) {
            // Each record carries the minutes that changed since the previous one; the latest value counts.
            for (JsonNode m : record.path("per_minute")) {
                minutes.put(m.path("minute").asLong(), minute(Money.parseCents(m.path("gmv").asText()),
                        m.path("orders").asLong(), m.path("pv").asLong()));
            }
        }
        minutes.values().removeIf(m -> m.equals(minute(0, 0, 0)));
        Map<Long, String> reference = new TreeMap<>();
        want.minutes.forEach((at, m) -> reference.put(at, minute(m.gmvCents(), m.orders(), m.pv())));
        List<String> problems = new ArrayList<>();
        Set<Long> all = new TreeSet<>(reference.keySet());
        all.addAll(minutes.keySet());
        for (Long at : all) {
            if (!Objects.equals(minutes.get(at), reference.get(at))) {
                problems.add("minute " + at + ": " + minutes.get(at) + ", reference " + reference.get(at));
            }
        }
        JsonNode campaign = latest(soak.sale.campaignId);
        Map<String, Long> channelPv = new TreeMap<>();
        for (JsonNode c : campaign.path("channels")) {
            String channel = c.path("channel").asText();
            channelPv.put(channel, c.path("pv").asLong());
            long exactUv = want.channelUsers.getOrDefault(channel, Set.of()).size();
            if (!within(c.path("uv").asLong(), exactUv, 0.02)) {
                problems.add("channel " + channel + " uv " + c.path("uv").asLong() + ", exact " + exactUv);
            }
        }
        if (!channelPv.equals(want.channelPv)) {
            problems.add("channel pv " + channelPv + ", reference " + want.channelPv);
        }
        assertNone(problems, "per-minute gmv/orders/pv and channel pv/uv against the reference");
    }

    @Test
    void alertsEqualTheReferenceAndEachTransitionIsCommittedOnce() {
        Map<String, List<JsonNode>> byIdAndState = new TreeMap<>();
        for (Committed c : soak.output.of(FaultSoak.TOPICS.alerts())) {
            byIdAndState.computeIfAbsent(c.json().path("id").asText() + " " + c.json().path("state").asText(),
                    k -> new ArrayList<>()).add(c.json());
        }
        List<String> duplicates = new ArrayList<>();
        byIdAndState.forEach((idState, records) -> {
            if (records.size() > 1) {
                duplicates.add(idState + " committed " + records.size() + " times: "
                        + records.get(0).path("type").asText() + " " + records.get(0).path("item_id").asText(""));
            }
        });
        Map<String, JsonNode> fired = new LinkedHashMap<>();
        Map<String, Long> resolvedAt = new HashMap<>();
        for (Committed c : soak.output.of(FaultSoak.TOPICS.alerts())) {
            JsonNode a = c.json();
            if (a.path("state").asText().equals("FIRED")) {
                fired.putIfAbsent(a.path("id").asText(), a);
            } else {
                resolvedAt.putIfAbsent(a.path("id").asText(), a.path("resolved_at").asLong());
            }
        }
        List<Alert> actual = new ArrayList<>();
        fired.forEach((id, a) -> actual.add(new Alert(AlertType.valueOf(a.path("type").asText()),
                a.path("campaign_id").asText(), a.path("item_id").isNull() ? null : a.path("item_id").asText(),
                a.hasNonNull("channel") ? a.path("channel").asText() : null, a.path("fired_at").asLong(),
                resolvedAt.get(id))));
        List<String> orphanResolves = resolvedAt.keySet().stream().filter(id -> !fired.containsKey(id)).toList();

        List<String> problems = new ArrayList<>(duplicates);
        orphanResolves.forEach(id -> problems.add("RESOLVED without a FIRED record: " + id));
        // Matched by what fired when, so an alert whose resolve is missing or wrong reads as one problem.
        Map<String, Alert> byFiring = new TreeMap<>();
        actual.forEach(a -> byFiring.put(firing(a), a));
        for (Alert want : expected.alerts()) {
            Alert got = byFiring.remove(firing(want));
            if (got == null) {
                problems.add("never fired: " + firing(want) + (want.resolvedAt() == null ? ""
                        : " (resolved at " + want.resolvedAt() + " in the reference)"));
            } else if (!Objects.equals(got.resolvedAt(), want.resolvedAt())) {
                problems.add("resolved_at " + got.resolvedAt() + ", reference " + want.resolvedAt() + ": "
                        + firing(want));
            }
        }
        byFiring.keySet().forEach(f -> problems.add("fired, not in the reference: " + f));
        assertThat(expected.alerts()).as("reference alerts").isNotEmpty();
        assertNone(problems, actual.size() + " committed alerts against " + expected.alerts().size()
                + " in the reference; each FIRED and RESOLVED once");
    }

    @Test
    void theCampaignsFinalRecordIsClosed() {
        List<JsonNode> records = statsByKey.getOrDefault(soak.sale.campaignId, List.of());
        assertThat(records).as("committed campaign records; %s", soak.context()).isNotEmpty();
        int firstClosed = -1;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).path("closed").asBoolean()) {
                firstClosed = i;
                break;
            }
        }
        JsonNode last = records.get(records.size() - 1);
        assertThat(last.path("closed").asBoolean())
                .as("the campaign's final record is closed (watermark %d, gmv %s); %s",
                        last.path("watermark").asLong(), last.path("gmv").asText(), soak.context())
                .isTrue();
        assertThat(records.size() - 1 - firstClosed)
                .as("records committed after the first closed one (at watermark %d, gmv %s): a released campaign "
                        + "re-opened; %s", records.get(firstClosed).path("watermark").asLong(),
                        records.get(firstClosed).path("gmv").asText(), soak.context())
                .isZero();
    }

    @Test
    void deadLettersEqualThePoisonSent() {
        Map<String, Long> actual = new TreeMap<>();
        Map<String, Integer> origins = new HashMap<>();
        for (Committed c : soak.output.of(FaultSoak.TOPICS.rejected())) {
            actual.merge(c.json().path("stream").asText() + "/" + c.json().path("reason").asText(), 1L, Long::sum);
            origins.merge(c.json().path("origin").asText(), 1, Integer::sum);
        }
        List<String> repeated = origins.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).sorted().toList();
        assertThat(actual).as("dead letters by stream/reason (poison sent: %s); %s", soak.sale.poisonByKind(),
                soak.context()).isEqualTo(soak.sale.expectedDeadLetters());
        assertThat(repeated).as("input records dead-lettered more than once").isEmpty();
    }

    @Test
    void noStatsRecordCarriesAnExtremeWatermark() {
        Map<String, Long> extremes = new TreeMap<>();
        Map<String, List<String>> examples = new TreeMap<>();
        // A key at MIN before any real watermark is a job that has not seen one yet; at MIN after one, event time
        // went back to the beginning (a restore that forgot it). Told apart, a reader sees which it is.
        Set<String> keysWithRealWatermark = new HashSet<>();
        for (Committed c : soak.stats()) {
            long watermark = c.json().path("watermark").asLong();
            String key = key(c.json());
            if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE) {
                keysWithRealWatermark.add(key);
            } else {
                String which = c.json().path("scope").asText() + " records at "
                        + (watermark == Long.MAX_VALUE ? "Long.MAX_VALUE"
                                : keysWithRealWatermark.contains(key) ? "Long.MIN_VALUE after a real watermark"
                                : "Long.MIN_VALUE before any real watermark");
                extremes.merge(which, 1L, Long::sum);
                List<String> shown = examples.computeIfAbsent(which, k -> new ArrayList<>());
                if (shown.size() < 4) {
                    shown.add("partition " + c.partition() + " offset " + c.offset() + " "
                            + key.replace('\u001f', '/') + " gmv " + c.json().path("gmv").asText()
                            + " closed " + c.json().path("closed").asBoolean());
                }
            }
        }
        assertThat(extremes).as("committed stats records (of %d) with a watermark at an extreme; first of each: "
                + "%s; %s", soak.stats().size(), examples, soak.context()).isEmpty();
    }

    @Test
    void committedNumbersNeverGoBack() {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> byField = new TreeMap<>();
        // A record where the exact counters step back too is a state reset; a distinct count stepping back while
        // every exact counter holds or grows is the sketch's own doing. Both are wrong; they have different causes.
        Map<String, Integer> alone = new TreeMap<>();
        statsByKey.forEach((key, records) -> {
            for (int i = 1; i < records.size(); i++) {
                JsonNode before = records.get(i - 1);
                JsonNode r = records.get(i);
                boolean exactBack = false;
                List<String> back = new ArrayList<>();
                for (String field : NEVER_BACK) {
                    if (new BigDecimal(r.path(field).asText()).compareTo(new BigDecimal(before.path(field).asText()))
                            < 0) {
                        back.add(field);
                        exactBack |= !field.equals("uv") && !field.equals("buyers") && !field.equals("watermark");
                    }
                }
                for (String field : back) {
                    byField.merge(field, 1, Integer::sum);
                    if (!exactBack) {
                        alone.merge(field, 1, Integer::sum);
                    }
                    problems.add(key.replace('\u001f', '/') + " " + field + " " + before.path(field).asText() + " -> "
                            + r.path(field).asText() + " (watermark " + r.path("watermark").asLong()
                            + (exactBack ? "" : ", exact counters held") + ")");
                }
            }
        });
        assertNone(problems, "steps back in commit order, per field " + byField + "; of them, uv or buyers alone "
                + "while every exact counter held: " + alone + "; over " + statsByKey.size()
                + " campaign and item keys");
    }

    @Test
    void theJobLogsNoErrors() throws Exception {
        List<String> errors = soak.jobErrors();
        assertNone(errors, "ERROR lines in the job's log " + soak.jobLog);
    }

    // ---- helpers ----

    private static void compareTotals(String what, JsonNode actual, Totals t, double distinctTolerance,
            List<String> problems) {
        exact(what, "gmv", actual.path("gmv").asText(), Money.format(t.gmvCents), problems);
        exact(what, "refunded", actual.path("refunded").asText(), Money.format(t.refundedCents), problems);
        exact(what, "orders", actual.path("orders").asLong(), t.orders, problems);
        exact(what, "units", actual.path("units").asLong(), t.units, problems);
        exact(what, "pv", actual.path("pv").asLong(), t.pv, problems);
        exact(what, "carts", actual.path("carts").asLong(), t.carts, problems);
        if (!within(actual.path("uv").asLong(), t.users.size(), distinctTolerance)) {
            problems.add(what + " uv: " + actual.path("uv").asLong() + ", exact " + t.users.size());
        }
        if (!within(actual.path("buyers").asLong(), t.buyers.size(), distinctTolerance)) {
            problems.add(what + " buyers: " + actual.path("buyers").asLong() + ", exact " + t.buyers.size());
        }
    }

    private static void exact(String what, String field, Object actual, Object reference, List<String> problems) {
        if (!actual.equals(reference)) {
            problems.add(what + " " + field + ": " + actual + ", reference " + reference);
        }
    }

    private static boolean within(long actual, long exact, double tolerance) {
        return Math.abs(actual - exact) <= tolerance * Math.max(exact, 1);
    }

    private static String firing(Alert a) {
        return a.type() + " " + (a.itemId() == null ? "" : a.itemId() + " ")
                + (a.channel() == null ? "" : "channel " + a.channel() + " ") + "fired_at " + a.firedAt();
    }

    private static String minute(long gmvCents, long orders, long pv) {
        return "gmv " + Money.format(gmvCents) + " orders " + orders + " pv " + pv;
    }

    private static String key(JsonNode stats) {
        return stats.path("scope").asText().equals("item")
                ? stats.path("campaign_id").asText() + "\u001f" + stats.path("item_id").asText()
                : stats.path("campaign_id").asText();
    }

    private static JsonNode latest(String key) {
        JsonNode latest = latestOrNull(key);
        assertThat(latest).as("a committed stats record of %s; %s", key, soak.context()).isNotNull();
        return latest;
    }

    private static JsonNode latestOrNull(String key) {
        List<JsonNode> records = statsByKey.get(key);
        return records == null ? null : records.get(records.size() - 1);
    }

    private static void assertNone(List<String> problems, String what) {
        List<String> shown = problems.subList(0, Math.min(SHOWN, problems.size()));
        // The count, not the list: AssertJ would print the whole list again after the description.
        assertThat(problems.size())
                .as("%s: %d problem(s)%s:%n  %s%n%s", what, problems.size(),
                        problems.size() > SHOWN ? ", first " + SHOWN : "", String.join("\n  ", shown), soak.context())
                .isZero();
    }
}
