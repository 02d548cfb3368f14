package io.warroom.cli;

import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/** Where alerts are delivered for paging. */
final class AlertmanagerFlags {
    @Option(names = "--alertmanager", paramLabel = "URL", split = ",",
            description = "Alertmanager base URL(s) to send alerts to (e.g. http://localhost:9093).")
    List<URI> urls;

    @Option(names = "--dashboard-url", paramLabel = "TEMPLATE",
            description = "Link put on every alert; {campaign} and {item} are filled in.")
    String dashboardTemplate;

    boolean configured() {
        return urls != null && !urls.isEmpty();
    }
}
