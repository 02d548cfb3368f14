package io.warroom.model;

import java.util.Locale;

/** Why an input record was sent to the dead-letter output. A closed set, so it can label a metric. */
public enum RejectReason {
    RECORD_TOO_LARGE,
    INVALID_UTF8,
    MALFORMED_JSON,
    LIMIT_EXCEEDED,
    NOT_AN_OBJECT,
    MISSING_FIELD,
    EMPTY_FIELD,
    WRONG_TYPE,
    INVALID_VALUE,
    /** A campaign update on the control input that fails validation (reserved for dynamic campaigns). */
    INVALID_CAMPAIGN;

    /** The snake_case form used in reports, dead-letter records and metric labels. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
