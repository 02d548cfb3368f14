package io.warroom.functions;

/** The latest incident of one alert subject (a Flink POJO), kept while it is active and for the hold-back after. */
public class IncidentState {
    public String incidentId;
    /** {@link io.warroom.model.Severity} name, given when the incident's first alert fired. */
    public String severity;
    public int flaps;
    public boolean active;
    public long lastResolvedAt;

    public IncidentState() {}
}
