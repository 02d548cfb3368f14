package io.warroom.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.warroom.serde.EventTime;
import io.warroom.serde.Json;
import io.warroom.serde.Money;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.util.TimeUtils;

/**
 * Reads and validates campaign files ({@code jobs/*.yaml}). Validation is strict, because a typo in a war room's
 * config must stop the job at start rather than silently monitor the wrong thing: unknown keys are errors, and
 * every problem is reported as {@code file: field: problem}.
 */
public final class CampaignLoader {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Set<String> CAMPAIGN_KEYS = Set.of(
            "campaign_id", "name", "start", "end", "gmv_target", "shortfall_tolerance", "pacing", "safety_stock",
            "items", "items_file", "channels", "alerts", "traffic_plan", "dedup_horizon");
    private static final Duration MIN_DEDUP_HORIZON = Duration.ofMinutes(1);
    private static final Duration MAX_DEDUP_HORIZON = Duration.ofDays(7);
    private static final Set<String> PACING_KEYS = Set.of("at", "share");
    private static final Set<String> TRAFFIC_PLAN_KEYS = Set.of("at", "pv_per_minute");
    private static final Set<String> ITEM_KEYS = Set.of("item_id", "stock", "safety_stock", "gmv_target", "key");
    private static final Set<String> ALERT_KEYS = Set.of("stock_eta", "conversion_drop", "traffic_drop", "paging");
    private static final Set<String> PAGING_KEYS = Set.of("min_gmv_at_risk");
    private static final Set<String> STOCK_ETA_KEYS = Set.of("enabled", "horizon_minutes", "window_minutes");
    private static final Set<String> CONVERSION_DROP_KEYS = 
            Set.of("enabled", "drop", "window_minutes", "min_pv", "payment_lag_minutes", "min_sigmas");
    private static final Set<String> TRAFFIC_DROP_KEYS =
            Set.of("enabled", "drop", "baseline_minutes", "min_pv_per_minute");
    private static final int MAX_WINDOW_MINUTES = 180;
    private static final int MAX_PAYMENT_LAG_MINUTES = 60;
    /** Problems listed from one items table: a table wrong throughout says so in a page, not a million lines. */
    private static final int MAX_TABLE_PROBLEMS = 50;

    private static final long MINUTE = 60_000L;
    /** The field of an update that says from when it is in force. */
    public static final String EFFECTIVE_FROM = "effective_from";

    private CampaignLoader() {}

    /** Loads files and folders (every {@code .yaml}/{@code .yml} in a folder, in name order) into one catalog. */
    public static CampaignCatalog load(List<Path> paths) throws CampaignConfigException {
        List<Path> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listing = Files.list(path)) {
                    listing.filter(p -> {
                                String n = p.getFileName().toString();
                                return n.endsWith(".yaml") || n.endsWith(".yml");
                            })
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    problems.add(path + ": cannot list folder: " + e.getMessage());
                }
            } else {
                files.add(path);
            }
        }
        if (files.isEmpty() && problems.isEmpty()) {
            problems.add(paths + ": no campaign files (.yaml) found");
        }
        List<CampaignDefinition> campaigns = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                CampaignDefinition c = parse(file.toString(), file, readDocument(file.toString(),
                        Files.readAllBytes(file)));
                Path earlier = seen.putIfAbsent(c.campaignId(), file);
                if (earlier != null) {
                    problems.add(file + ": campaign_id: '" + c.campaignId() + "' is already defined in " + earlier);
                } else {
                    campaigns.add(c);
                }
            } catch (CampaignConfigException e) {
                problems.addAll(e.problems());
            } catch (IOException e) {
                problems.add(file + ": cannot read file: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CampaignConfigException(problems);
        }
        return new CampaignCatalog(campaigns);
    }

    /**
     * Loads campaign files and then update files (each one campaign document with {@code effective_from}) into a
     * timeline; every problem of every file is reported.
     */
    public static CampaignTimeline loadTimeline(List<Path> campaignPaths, List<Path> updateFiles)
            throws CampaignConfigException {
        CampaignTimeline timeline = CampaignTimeline.of(load(campaignPaths));
        List<String> problems = new ArrayList<>();
        for (Path file : updateFiles) {
            try {
                timeline = timeline.with(parseUpdate(file.toString(), Files.readAllBytes(file)));
            } catch (CampaignConfigException e) {
                problems.addAll(e.problems());
            } catch (IOException e) {
                problems.add(file + ": cannot read file: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CampaignConfigException(problems);
        }
        return timeline;
    }

    /** Parses one campaign document; {@code source} names it in error messages. */
    public static CampaignDefinition parse(String source, byte[] yaml) throws CampaignConfigException {
        return parse(source, null, readDocument(source, yaml));
    }

    /**
     * Parses a campaign update from the control input: a campaign document (YAML or JSON) with an
     * {@code effective_from} timestamp, the event time from which it is in force.
     */
    public static CampaignVersion parseUpdate(String source, byte[] document) throws CampaignConfigException {
        JsonNode root = readDocument(source, document);
        Problems p = new Problems(source);
        Long effectiveFrom = null;
        if (root != null && root.isObject()) {
            effectiveFrom = p.time(root, EFFECTIVE_FROM);
            ((ObjectNode) root).remove(EFFECTIVE_FROM);
        }
        List<String> problems = new ArrayList<>();
        CampaignDefinition definition = null;
        try {
            definition = parse(source, null, root);
        } catch (CampaignConfigException e) {
            problems.addAll(e.problems());
        }
        problems.addAll(p.list);
        if (!problems.isEmpty()) {
            throw new CampaignConfigException(problems);
        }
        return new CampaignVersion(effectiveFrom, definition);
    }

    private static JsonNode readDocument(String source, byte[] yaml) throws CampaignConfigException {
        try {
            return Json.readYaml(yaml);
        } catch (IOException e) {
            throw new CampaignConfigException(List.of(source + ": not valid YAML: " + firstLine(e.getMessage())));
        }
    }

    /** {@code file} is the campaign file on disk that {@code items_file} is relative to; null for other documents. */
    private static CampaignDefinition parse(String source, Path file, JsonNode root) throws CampaignConfigException {
        Problems p = new Problems(source);
        if (root == null || !root.isObject()) {
            p.add("(document)", "must be a mapping of campaign fields");
            throw p.exception();
        }
        p.unknownKeys(root, "", CAMPAIGN_KEYS);
        String id = p.id(root, "campaign_id");
        String name = root.hasNonNull("name") ? p.text(root, "name") : id;
        Long start = p.time(root, "start");
        Long end = p.time(root, "end");
        if (start != null && end != null && start >= end) {
            p.add("end", "must be after start");
        }
        Long target = p.money(root, "gmv_target", "gmv_target");
        BigDecimal tolerance = root.has("shortfall_tolerance")
                ? p.fraction(root, "shortfall_tolerance", false)
                : BigDecimal.ZERO;
        Long safety = root.has("safety_stock") ? p.count(root, "safety_stock") : Long.valueOf(0);
        List<PacingCheckpoint> pacing = pacing(root, p, start, end);
        Map<String, ItemSettings> items = items(root, p);
        itemsFile(root, file, p, items);
        List<String> channels = channels(root, p);
        AlertThresholds alerts = alerts(root, p);
        List<TrafficPlanPoint> trafficPlan = trafficPlan(root, p);
        Duration dedupHorizon = p.duration(root, "dedup_horizon", CampaignDefinition.DEFAULT_DEDUP_HORIZON,
                MIN_DEDUP_HORIZON, MAX_DEDUP_HORIZON);
        if (p.any()) {
            throw p.exception();
        }
        return new CampaignDefinition(id, name, start, end, target, tolerance, List.copyOf(pacing), safety,
                ItemCatalog.of(items), List.copyOf(channels), alerts, List.copyOf(trafficPlan), zoneOf(root.get("start")),
                dedupHorizon.toMillis());
    }

    /** The offset the campaign's start is written in, the zone its alerts speak in; UTC for an epoch number. */
    private static ZoneOffset zoneOf(JsonNode start) {
        try {
            return OffsetDateTime.parse(start.textValue().trim()).getOffset();
        } catch (RuntimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** Steps of expected pv per minute, in time order; any positive scale (only the shape is compared). */
    private static List<TrafficPlanPoint> trafficPlan(JsonNode root, Problems p) {
        List<TrafficPlanPoint> plan = new ArrayList<>();
        JsonNode node = root.get("traffic_plan");
        if (node == null || node.isNull()) {
            return plan;
        }
        if (!node.isArray()) {
            p.add("traffic_plan", "must be a list of {at, pv_per_minute}");
            return plan;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "traffic_plan[" + i + "]";
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                p.add(path, "must be a mapping {at, pv_per_minute}");
                continue;
            }
            p.unknownKeys(entry, path + ".", TRAFFIC_PLAN_KEYS);
            Long at = p.time(entry, "at", path + ".at");
            BigDecimal pv = p.positive(entry, "pv_per_minute", path + ".pv_per_minute");
            if (at == null || pv == null) {
                continue;
            }
            if (at % MINUTE != 0) {
                p.add(path + ".at", "must be on a whole minute (traffic is judged by the minute)");
            } else if (!plan.isEmpty() && at <= plan.get(plan.size() - 1).at()) {
                p.add(path + ".at", "must be later than the step before it");
            }
            plan.add(new TrafficPlanPoint(at, pv));
        }
        return plan;
    }

    private static List<PacingCheckpoint> pacing(JsonNode root, Problems p, Long start, Long end) {
        List<PacingCheckpoint> pacing = new ArrayList<>();
        JsonNode node = root.get("pacing");
        if (node == null || node.isNull()) {
            return pacing;
        }
        if (!node.isArray()) {
            p.add("pacing", "must be a list of {at, share}");
            return pacing;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "pacing[" + i + "]";
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                p.add(path, "must be a mapping {at, share}");
                continue;
            }
            p.unknownKeys(entry, path + ".", PACING_KEYS);
            Long at = p.time(entry, "at", path + ".at");
            BigDecimal share = p.fraction(entry, "share", path + ".share", true);
            if (at == null || share == null) {
                continue;
            }
            if (start != null && end != null && (at <= start || at > end)) {
                p.add(path + ".at", "must be after start and not after end");
            } else if (at % MINUTE != 0 && !at.equals(end)) {
                // gmv before a checkpoint is summed from whole event-time minutes
                p.add(path + ".at", "must be on a whole minute (or be the campaign's end)");
            }
            if (!pacing.isEmpty()) {
                PacingCheckpoint previous = pacing.get(pacing.size() - 1);
                if (at <= previous.at()) {
                    p.add(path + ".at", "must be later than the checkpoint before it");
                }
                if (share.compareTo(previous.share()) < 0) {
                    p.add(path + ".share", "must not be smaller than the share before it (shares are cumulative)");
                }
            }
            pacing.add(new PacingCheckpoint(at, share));
        }
        return pacing;
    }

    private static Map<String, ItemSettings> items(JsonNode root, Problems p) {
        Map<String, ItemSettings> items = new HashMap<>();
        JsonNode node = root.get("items");
        if (node == null || node.isNull()) {
            return items;
        }
        if (!node.isArray()) {
            p.add("items", "must be a list of {item_id, stock, safety_stock, gmv_target, key}");
            return items;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "items[" + i + "]";
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                p.add(path, "must be a mapping");
                continue;
            }
            p.unknownKeys(entry, path + ".", ITEM_KEYS);
            item(entry, path + ".", p, items);
        }
        return items;
    }

    /** One item's settings, added to {@code items}; {@code at} prefixes its fields in problems. */
    private static void item(JsonNode entry, String at, Problems p, Map<String, ItemSettings> items) {
        String itemId = p.text(entry, "item_id", at + "item_id");
        Long stock = entry.has("stock") ? p.count(entry, "stock", at + "stock") : null;
        Long safety = entry.has("safety_stock") ? p.count(entry, "safety_stock", at + "safety_stock") : null;
        Long target = entry.has("gmv_target") ? p.money(entry, "gmv_target", at + "gmv_target") : null;
        boolean key = p.flag(entry, "key", at + "key", false);
        if (itemId != null && items.put(itemId, new ItemSettings(itemId, stock, safety, target, key)) != null) {
            p.add(at + "item_id", "'" + itemId + "' is listed twice");
        }
    }

    /**
     * The items of {@code items_file}, a CSV table beside the campaign file (header {@code item_id} and any of
     * {@code stock, safety_stock, gmv_target, key}; an empty cell leaves that setting unset), added to {@code items}.
     * Problems name the table's file, line and column; after {@link #MAX_TABLE_PROBLEMS} the rest are summed up.
     */
    private static void itemsFile(JsonNode root, Path campaignFile, Problems p, Map<String, ItemSettings> items) {
        JsonNode name = root.get("items_file");
        if (name == null || name.isNull()) {
            return;
        }
        if (!name.isTextual() || name.textValue().isBlank()) {
            p.add("items_file", "must be the path of a CSV file, relative to the campaign file");
            return;
        }
        if (campaignFile == null) {
            p.add("items_file", "is read from a campaign file on disk; a pushed campaign carries its items inline");
            return;
        }
        Path table = campaignFile.toAbsolutePath().getParent().resolve(name.textValue()).normalize();
        Problems rows = new Problems(table.toString());
        try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.UTF_8)) {
            String header = lines.readLine();
            if (header != null && header.startsWith("\uFEFF")) {
                header = header.substring(1); // the byte-order mark spreadsheets put before "CSV UTF-8"
            }
            List<String> columns = header == null ? List.of()
                    : Stream.of(header.split(",", -1)).map(String::strip).toList();
            if (!columns.contains("item_id") || !ITEM_KEYS.containsAll(columns)
                    || columns.size() != Set.copyOf(columns).size()) {
                rows.add("line 1", "the header must name item_id and any of stock, safety_stock, gmv_target, key,"
                        + " once each");
                p.list.addAll(rows.list);
                return;
            }
            int lineNumber = 1;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String at = "line " + lineNumber + ": ";
                String[] cells = line.split(",", -1);
                if (cells.length != columns.size()) {
                    rows.add("line " + lineNumber, "has " + cells.length + " cells, the header " + columns.size());
                } else {
                    ObjectNode entry = Json.object();
                    for (int c = 0; c < cells.length; c++) {
                        String text = unquoted(cells[c].strip());
                        if (!text.isEmpty()) {
                            entry.set(columns.get(c), cell(text));
                        }
                    }
                    item(entry, at, rows, items);
                }
                if (rows.list.size() > MAX_TABLE_PROBLEMS) {
                    rows.list.subList(MAX_TABLE_PROBLEMS, rows.list.size()).clear();
                    rows.list.add(table + ": more problems after line " + lineNumber + " not listed");
                    break;
                }
            }
        } catch (IOException e) {
            p.add("items_file", "cannot read " + table + ": " + e.getMessage());
            return;
        }
        p.list.addAll(rows.list);
    }

    /**
     * Replaces a campaign document's {@code items_file} by its rows, appended to {@code items}, so that the document
     * stands alone (a pushed campaign is read by a job that cannot see the file).
     *
     * @throws CampaignConfigException naming the table's problems
     */
    public static void inlineItemsFile(ObjectNode document, Path campaignFile) throws CampaignConfigException {
        if (!document.hasNonNull("items_file")) {
            return;
        }
        Problems p = new Problems(campaignFile.toString());
        Map<String, ItemSettings> rows = new LinkedHashMap<>();
        itemsFile(document, campaignFile, p, rows);
        if (p.any()) {
            throw p.exception();
        }
        JsonNode existing = document.get("items");
        ArrayNode items = existing instanceof ArrayNode array ? array : document.putArray("items");
        for (ItemSettings item : rows.values()) {
            ObjectNode entry = items.addObject().put("item_id", item.itemId());
            if (item.stock() != null) {
                entry.put("stock", item.stock());
            }
            if (item.safetyStock() != null) {
                entry.put("safety_stock", item.safetyStock());
            }
            if (item.gmvTargetCents() != null) {
                entry.put("gmv_target", Money.format(item.gmvTargetCents()));
            }
            if (item.key()) {
                entry.put("key", true);
            }
        }
        document.remove("items_file");
    }

    /** A cell a spreadsheet put in double quotes; a quote inside one (or a comma) is not supported. */
    private static String unquoted(String cell) {
        return cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")
                ? cell.substring(1, cell.length() - 1) : cell;
    }

    /** A table cell as the same YAML would have read it: a whole number, true or false, or text. */
    private static JsonNode cell(String text) {
        if (!text.isEmpty() && text.length() <= 18 && text.chars().allMatch(Character::isDigit)) {
            return LongNode.valueOf(Long.parseLong(text));
        }
        if (text.equals("true") || text.equals("false")) {
            return BooleanNode.valueOf(Boolean.parseBoolean(text));
        }
        return TextNode.valueOf(text);
    }

    private static AlertThresholds alerts(JsonNode root, Problems p) {
        AlertThresholds d = AlertThresholds.DEFAULTS;
        JsonNode node = root.get("alerts");
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            p.add("alerts", "must be a mapping of stock_eta, conversion_drop, traffic_drop, paging");
            return d;
        }
        p.unknownKeys(node, "alerts.", ALERT_KEYS);
        JsonNode eta = block(node, "stock_eta", STOCK_ETA_KEYS, p);
        JsonNode conversion = block(node, "conversion_drop", CONVERSION_DROP_KEYS, p);
        JsonNode traffic = block(node, "traffic_drop", TRAFFIC_DROP_KEYS, p);
        JsonNode paging = block(node, "paging", PAGING_KEYS, p);
        return new AlertThresholds(
                p.flag(eta, "enabled", "alerts.stock_eta.enabled", d.stockEtaEnabled()),
                p.minutes(eta, "horizon_minutes", "alerts.stock_eta.horizon_minutes", d.stockEtaHorizonMinutes(),
                        24 * 60),
                p.minutes(eta, "window_minutes", "alerts.stock_eta.window_minutes", d.stockEtaWindowMinutes(),
                        MAX_WINDOW_MINUTES),
                p.flag(conversion, "enabled", "alerts.conversion_drop.enabled", d.conversionDropEnabled()),
                conversion.has("drop")
                        ? p.fraction(conversion, "drop", "alerts.conversion_drop.drop", false)
                        : d.conversionDrop(),
                p.minutes(conversion, "window_minutes", "alerts.conversion_drop.window_minutes",
                        d.conversionWindowMinutes(), MAX_WINDOW_MINUTES),
                conversion.has("min_pv")
                        ? orDefault(p.count(conversion, "min_pv", "alerts.conversion_drop.min_pv"),
                                d.conversionMinPv())
                        : d.conversionMinPv(),
                p.minutes(conversion, "payment_lag_minutes", "alerts.conversion_drop.payment_lag_minutes",
                        d.conversionPaymentLagMinutes(), 0, MAX_PAYMENT_LAG_MINUTES),
                conversion.has("min_sigmas")
                        ? orDefault(p.nonNegative(conversion, "min_sigmas", "alerts.conversion_drop.min_sigmas"),
                                d.conversionMinSigmas())
                        : d.conversionMinSigmas(),
                p.flag(traffic, "enabled", "alerts.traffic_drop.enabled", d.trafficDropEnabled()),
                traffic.has("drop") ? p.fraction(traffic, "drop", "alerts.traffic_drop.drop", false) : d.trafficDrop(),
                p.minutes(traffic, "baseline_minutes", "alerts.traffic_drop.baseline_minutes",
                        d.trafficBaselineMinutes(), MAX_WINDOW_MINUTES),
                traffic.has("min_pv_per_minute")
                        ? orDefault(p.count(traffic, "min_pv_per_minute", "alerts.traffic_drop.min_pv_per_minute"),
                                d.trafficMinPvPerMinute())
                        : d.trafficMinPvPerMinute(),
                paging.has("min_gmv_at_risk")
                        ? orDefault(p.money(paging, "min_gmv_at_risk", "alerts.paging.min_gmv_at_risk"),
                                d.pageMinGmvAtRiskCents())
                        : d.pageMinGmvAtRiskCents());
    }

    /** One alert's settings; an empty mapping when absent, so every field falls back to its default. */
    private static JsonNode block(JsonNode alerts, String key, Set<String> allowed, Problems p) {
        JsonNode node = alerts.get(key);
        if (node == null || node.isNull()) {
            return Json.object();
        }
        if (!node.isObject()) {
            p.add("alerts." + key, "must be a mapping of " + String.join(", ", allowed.stream().sorted().toList()));
            return Json.object();
        }
        p.unknownKeys(node, "alerts." + key + ".", allowed);
        return node;
    }

    private static long orDefault(Long value, long fallback) {
        return value == null ? fallback : value;
    }

    private static BigDecimal orDefault(BigDecimal value, BigDecimal fallback) {
        return value == null ? fallback : value;
    }

    private static List<String> channels(JsonNode root, Problems p) {
        List<String> channels = new ArrayList<>();
        JsonNode node = root.get("channels");
        if (node == null || node.isNull()) {
            return channels;
        }
        if (!node.isArray()) {
            p.add("channels", "must be a list of channel names");
            return channels;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode channel = node.get(i);
            if (!channel.isTextual() || channel.textValue().isBlank()) {
                p.add("channels[" + i + "]", "must be a non-empty string");
            } else if (channels.contains(channel.textValue())) {
                p.add("channels[" + i + "]", "'" + channel.textValue() + "' is listed twice");
            } else {
                channels.add(channel.textValue());
            }
        }
        return channels;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Collects problems of one document, so a file with three mistakes reports all three at once. */
    private static final class Problems {
        private final String source;
        private final List<String> list = new ArrayList<>();

        Problems(String source) {
            this.source = source;
        }

        void add(String field, String problem) {
            list.add(source + ": " + field + ": " + problem);
        }

        boolean any() {
            return !list.isEmpty();
        }

        CampaignConfigException exception() {
            return new CampaignConfigException(list);
        }

        void unknownKeys(JsonNode node, String prefix, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    add(prefix + key, "unknown field (allowed: " + String.join(", ", allowed.stream().sorted().toList())
                            + ")");
                }
            }
        }

        private JsonNode required(JsonNode node, String key, String path) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                add(path, "is required");
                return null;
            }
            return value;
        }

        String id(JsonNode node, String key) {
            String value = text(node, key, key);
            if (value != null && !ID.matcher(value).matches()) {
                add(key, "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
            }
            return value;
        }

        String text(JsonNode node, String key) {
            return text(node, key, key);
        }

        String text(JsonNode node, String key, String path) {
            JsonNode value = required(node, key, path);
            if (value == null) {
                return null;
            }
            if (!value.isTextual() || value.textValue().isBlank()) {
                add(path, "must be a non-empty string");
                return null;
            }
            return value.textValue();
        }

        Long time(JsonNode node, String key) {
            return time(node, key, key);
        }

        Long time(JsonNode node, String key, String path) {
            JsonNode value = required(node, key, path);
            if (value == null) {
                return null;
            }
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            if (value.isTextual()) {
                try {
                    return EventTime.parseIso(value.textValue());
                } catch (IllegalArgumentException e) {
                    add(path, "'" + value.textValue() + "' " + e.getMessage()
                            + " (e.g. \"2026-11-11T00:00:00+08:00\")");
                    return null;
                }
            }
            add(path, "must be an ISO-8601 timestamp with offset, in quotes");
            return null;
        }

        Long money(JsonNode node, String key, String path) {
            JsonNode value = required(node, key, path);
            if (value == null) {
                return null;
            }
            try {
                if (value.isNumber()) {
                    return Money.toCents(value.decimalValue());
                }
                if (value.isTextual()) {
                    return Money.parseCents(value.textValue());
                }
            } catch (IllegalArgumentException e) {
                add(path, e.getMessage());
                return null;
            }
            add(path, "must be a decimal amount such as \"50000000.00\"");
            return null;
        }

        BigDecimal fraction(JsonNode node, String key, boolean inclusiveOne) {
            return fraction(node, key, key, inclusiveOne);
        }

        BigDecimal fraction(JsonNode node, String key, String path, boolean inclusiveOne) {
            BigDecimal number = decimal(node, key, path);
            if (number == null) {
                return null;
            }
            int upper = number.compareTo(BigDecimal.ONE);
            if (number.signum() < 0 || upper > 0 || (!inclusiveOne && upper == 0)) {
                add(path, inclusiveOne ? "must be between 0 and 1" : "must be at least 0 and below 1");
                return null;
            }
            return number;
        }

        boolean flag(JsonNode node, String key, String path, boolean fallback) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                add(path, "must be true or false");
                return fallback;
            }
            return value.booleanValue();
        }

        /**
         * A duration in {@code min..max}, whole seconds: a number of minutes, or Flink's duration syntax
         * ({@code 90min}, {@code 2h}, {@code 45 s}); the default when absent.
         */
        Duration duration(JsonNode node, String key, Duration fallback, Duration min, Duration max) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            Duration duration = null;
            if (value.isIntegralNumber() && value.canConvertToInt()) {
                duration = Duration.ofMinutes(value.intValue());
            } else if (value.isTextual()) {
                try {
                    duration = TimeUtils.parseDuration(value.textValue().trim());
                } catch (RuntimeException e) {
                    duration = null;
                }
            }
            if (duration == null || duration.toMillis() % 1000 != 0 || duration.compareTo(min) < 0
                    || duration.compareTo(max) > 0) {
                add(key, "must be a duration of whole seconds from " + TimeUtils.formatWithHighestUnit(min)
                        + " to " + TimeUtils.formatWithHighestUnit(max) + " (a number of minutes, or 90min, 2h)");
                return fallback;
            }
            return duration;
        }

        /** Whole minutes in 1..max; the default when absent. */
        int minutes(JsonNode node, String key, String path, int fallback, int max) {
            return minutes(node, key, path, fallback, 1, max);
        }

        /** Whole minutes in min..max; the default when absent. */
        int minutes(JsonNode node, String key, String path, int fallback, int min, int max) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return fallback;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min
                    || value.intValue() > max) {
                add(path, "must be a whole number of minutes, " + min + " to " + max);
                return fallback;
            }
            return value.intValue();
        }

        BigDecimal positive(JsonNode node, String key, String path) {
            BigDecimal number = decimal(node, key, path);
            if (number != null && number.signum() <= 0) {
                add(path, "must be above 0");
                return null;
            }
            return number;
        }

        BigDecimal nonNegative(JsonNode node, String key, String path) {
            BigDecimal number = decimal(node, key, path);
            if (number != null && number.signum() < 0) {
                add(path, "must be 0 or more");
                return null;
            }
            return number;
        }

        private BigDecimal decimal(JsonNode node, String key, String path) {
            JsonNode value = required(node, key, path);
            if (value == null) {
                return null;
            }
            try {
                BigDecimal number = value.isNumber() ? value.decimalValue()
                        : value.isTextual() ? new BigDecimal(value.textValue().trim()) : null;
                if (number != null && reasonable(number)) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            add(path, "must be a number");
            return null;
        }

        /**
         * At most 40 significant digits and 40 places either side of the point: "1e-1100000000" is a number to
         * BigDecimal, and squaring it in an alert's condition would fail in the middle of an incident.
         */
        private static boolean reasonable(BigDecimal number) {
            BigDecimal plain = number.stripTrailingZeros();
            return plain.precision() <= 40 && Math.abs((long) plain.scale()) <= 40;
        }

        Long count(JsonNode node, String key) {
            return count(node, key, key);
        }

        Long count(JsonNode node, String key, String path) {
            JsonNode value = required(node, key, path);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
                add(path, "must be a whole number, 0 or more");
                return null;
            }
            return value.longValue();
        }
    }
}
