package io.warroom.alerting;

import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.Severity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Writes alert events into the Alertmanager sink's checkpointed state. */
final class AlertEventSerializer implements SimpleVersionedSerializer<AlertEvent> {
    static final AlertEventSerializer INSTANCE = new AlertEventSerializer();

    @Override
    public int getVersion() {
        return 2;
    }

    @Override
    public byte[] serialize(AlertEvent alert) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(alert.id());
            out.writeUTF(alert.type().name());
            out.writeUTF(alert.state().name());
            out.writeUTF(alert.campaignId());
            writeNullable(out, alert.itemId());
            writeNullable(out, alert.channel());
            out.writeLong(alert.firedAt());
            out.writeBoolean(alert.resolvedAt() != null);
            out.writeLong(alert.resolvedAt() == null ? 0 : alert.resolvedAt());
            writeNullable(out, alert.summary());
            writeNullable(out, alert.observed());
            writeNullable(out, alert.threshold());
            out.writeUTF(alert.severity().name());
            out.writeUTF(alert.incidentId());
            out.writeInt(alert.flaps());
        }
        return bytes.toByteArray();
    }

    @Override
    public AlertEvent deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1 && version != 2) {
            throw new IOException("unknown alert state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String id = in.readUTF();
            AlertType type = AlertType.valueOf(in.readUTF());
            AlertEvent.State state = AlertEvent.State.valueOf(in.readUTF());
            String campaignId = in.readUTF();
            String itemId = readNullable(in);
            String channel = readNullable(in);
            long firedAt = in.readLong();
            boolean resolved = in.readBoolean();
            long resolvedAt = in.readLong();
            String summary = readNullable(in);
            String observed = readNullable(in);
            String threshold = readNullable(in);
            // Version 1 knew no incidents: each alert was its own, with its type's severity.
            Severity severity = version == 1 ? Severity.defaultFor(type, itemId) : Severity.valueOf(in.readUTF());
            String incidentId = version == 1 ? id : in.readUTF();
            int flaps = version == 1 ? 0 : in.readInt();
            return new AlertEvent(id, type, state, campaignId, itemId, channel, firedAt, resolved ? resolvedAt : null,
                    summary, observed, threshold, severity, incidentId, flaps);
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
