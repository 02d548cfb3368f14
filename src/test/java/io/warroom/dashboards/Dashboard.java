package io.warroom.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One provisioned Grafana dashboard of {@code dashboards/}, read the way Grafana reads it. */
final class Dashboard {
    static final Path FOLDER = Path.of("dashboards");
    /** Plain Jackson: dashboards nest deeper than the event contract's hardened mapper allows, and are trusted. */
    static final ObjectMapper JSON = new ObjectMapper();
    /** Grafana's own variables that dashboards may use besides their templating variables. */
    static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__value", "__data");

    /** {@code ${name}}, {@code ${name.field}}, {@code ${name:format}} or {@code $name}. */
    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:[.:][^}]*)?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    final Path file;
    final JsonNode json;

    /** A template variable: its name and the Prometheus query (label_values or query_result) giving its values. */
    record Variable(String name, String query, String regex, int sort, JsonNode json) {}

    /** One query of one panel. */
    record Query(JsonNode panel, JsonNode target) {
        String panelTitle() {
            return panel.path("title").asText();
        }

        String refId() {
            return target.path("refId").asText();
        }

        String expr() {
            return target.path("expr").asText();
        }

        boolean instant() {
            return target.path("instant").asBoolean(false);
        }

        @Override
        public String toString() {
            return "'" + panelTitle() + "' " + refId() + ": " + expr();
        }
    }

    private Dashboard(Path file, JsonNode json) {
        this.file = file;
        this.json = json;
    }

    static List<Dashboard> all() {
        try (Stream<Path> files = Files.list(FOLDER)) {
            List<Dashboard> dashboards = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.add(new Dashboard(file, JSON.readTree(file.toFile())));
            }
            return dashboards;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dashboard withUid(String uid) {
        return all().stream().filter(d -> d.uid().equals(uid)).findFirst()
                .orElseThrow(() -> new AssertionError("no dashboard with uid " + uid));
    }

    String uid() {
        return json.path("uid").asText();
    }

    String title() {
        return json.path("title").asText();
    }

    /** Every panel, the panels inside collapsed rows included. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    JsonNode panel(String title) {
        return panels().stream().filter(p -> p.path("title").asText().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError(uid() + " has no panel '" + title + "'"));
    }

    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            panel.path("targets").forEach(target -> queries.add(new Query(panel, target)));
        }
        return queries;
    }

    List<Variable> variables() {
        List<Variable> variables = new ArrayList<>();
        for (JsonNode variable : json.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            variables.add(new Variable(variable.path("name").asText(),
                    query.isObject() ? query.path("query").asText() : query.asText(),
                    variable.path("regex").asText(""), variable.path("sort").asInt(0), variable));
        }
        return variables;
    }

    /** Names of the variables a text refers to as {@code $name} or {@code ${name}}. */
    static Set<String> referencedVariables(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = VARIABLE.matcher(text);
        while (matcher.find()) {
            names.add(name(matcher));
        }
        return names;
    }

    /** The text with every {@code $name} and {@code ${name}} of {@code values} replaced, as Grafana does. */
    static String substitute(String text, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(name(matcher));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String name(Matcher matcher) {
        return matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
    }
}
