package io.warroom.functions;

import io.warroom.config.DeadLetterPolicy;
import io.warroom.model.PayloadRedaction;
import io.warroom.model.RejectedRecord;
import io.warroom.serde.PayloadRedactor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * The last step of every dead-letter record before any sink, so that Kafka, files and whatever else is attached
 * receive the same redacted record: the payload with user ids replaced ({@link PayloadRedactor}), no base64 copy
 * of the raw bytes, and a keyed hash of those bytes. With a raw policy it passes records through.
 *
 * <p>Never fails: should redaction itself break on a record, the payload is dropped, the record kept and the failure
 * counted ({@code dead_letter_redaction_failures}).
 */
public final class DeadLetterRedaction extends RichMapFunction<RejectedRecord, RejectedRecord> {
    private final DeadLetterPolicy policy;
    private transient PayloadRedactor redactor;
    private transient Counter failures;

    public DeadLetterRedaction(DeadLetterPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext openContext) {
        if (!policy.isRaw()) {
            redactor = new PayloadRedactor(policy.key());
        }
        failures = getRuntimeContext().getMetricGroup().addGroup("warroom").counter("dead_letter_redaction_failures");
    }

    @Override
    public RejectedRecord map(RejectedRecord record) {
        return redactor == null ? record : redact(redactor, record, failures::inc);
    }

    /** The record with its payload redacted. */
    public static RejectedRecord redact(PayloadRedactor redactor, RejectedRecord r) {
        return redact(redactor, r, () -> {});
    }

    private static RejectedRecord redact(PayloadRedactor redactor, RejectedRecord r, Runnable onFailure) {
        String text = r.payload() == null ? "" : r.payload();
        try {
            byte[] exact = r.payloadBase64() != null
                    ? Base64.getDecoder().decode(r.payloadBase64())
                    : text.getBytes(StandardCharsets.UTF_8);
            PayloadRedactor.Redacted redacted = redactor.redact(text);
            return new RejectedRecord(r.stream(), r.origin(), r.reason(), r.detail(), redacted.text(), null,
                    redacted.complete() ? PayloadRedaction.USER_IDS : PayloadRedaction.CUT, redactor.hash(exact));
        } catch (RuntimeException e) {
            onFailure.run();
            return new RejectedRecord(r.stream(), r.origin(), r.reason(), r.detail(), "", null,
                    PayloadRedaction.CUT, null);
        }
    }
}
