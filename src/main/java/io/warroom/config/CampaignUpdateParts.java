package io.warroom.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.serde.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pushed campaign too large for one Kafka record, as several: item parts, each a slice of its {@code items}, and a
 * head, the document without them. All carry the update's id (a digest of the whole document), so pieces of an
 * older push left in the compacted topic are never mixed into a newer one.
 *
 * <pre>
 * part (key campaign_id + U+001F + k): {"campaign_id": ..., "items_part": {"update_id": ..., "part": k, "parts": n},
 *                                       "items": [...]}
 * head (key campaign_id):              the document without "items", plus "items_parts": {"update_id": ..., "parts": n}
 * </pre>
 *
 * {@link Assembler} puts the pieces back together in whatever order they come, into the document that was split.
 */
public final class CampaignUpdateParts {
    static final String HEAD = "items_parts";
    static final String PART = "items_part";

    private CampaignUpdateParts() {}

    /** A Kafka record to send: its key and value. */
    public record Piece(String key, String value) {}

    /**
     * The records that publish {@code document}: itself alone if it fits {@code maxRecordBytes}, else item parts of
     * at most that size (one item each at least) followed by the head.
     */
    public static List<Piece> split(ObjectNode document, String campaignId, int maxRecordBytes) {
        String whole = Json.toString(document);
        if (utf8Length(whole) <= maxRecordBytes || !(document.get("items") instanceof ArrayNode items)) {
            return List.of(new Piece(campaignId, whole));
        }
        // 96 bits of the digest tell one push from another.
        String updateId = ContentDigest.sha256Hex(whole.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        List<ArrayNode> slices = new ArrayList<>();
        ArrayNode slice = Json.array();
        int sliceBytes = 0;
        // Room for the part's own fields around its items.
        int budget = maxRecordBytes - 512 - utf8Length(campaignId);
        for (JsonNode item : items) {
            int itemBytes = Json.toBytes(item).length + 1;
            if (!slice.isEmpty() && sliceBytes + itemBytes > budget) {
                slices.add(slice);
                slice = Json.array();
                sliceBytes = 0;
            }
            slice.add(item);
            sliceBytes += itemBytes;
        }
        slices.add(slice);
        List<Piece> pieces = new ArrayList<>();
        for (int k = 0; k < slices.size(); k++) {
            ObjectNode part = Json.object();
            part.put("campaign_id", campaignId);
            part.putObject(PART).put("update_id", updateId).put("part", k).put("parts", slices.size());
            part.set("items", slices.get(k));
            pieces.add(new Piece(campaignId + '\u001f' + k, Json.toString(part)));
        }
        ObjectNode head = document.deepCopy();
        head.remove("items");
        head.putObject(HEAD).put("update_id", updateId).put("parts", slices.size());
        pieces.add(new Piece(campaignId, Json.toString(head)));
        return pieces;
    }

    /**
     * Collects pieces until an update is whole. Not thread-safe; one per input. A head waiting for parts is dropped
     * when a newer head of its campaign comes; parts of a push whose head was overwritten in the compacted topic wait
     * for good, bounded by what the topic holds.
     */
    public static final class Assembler {
        /** Per update id, its head (null until it comes) and parts by number, as their original text. */
        private final Map<String, Pending> pending = new LinkedHashMap<>();

        private static final class Pending {
            final String campaignId;
            String headText;
            ObjectNode head;
            final Map<Integer, String> partTexts = new TreeMap<>();
            final Map<Integer, JsonNode> parts = new TreeMap<>();

            Pending(String campaignId) {
                this.campaignId = campaignId;
            }
        }

        /**
         * Takes one record's value. Returns the update to apply: the value itself when it is not a piece, the whole
         * document when this piece completes one, or null while pieces are missing. A piece it cannot read is
         * returned as it is, for validation to refuse.
         */
        public String accept(String value) {
            JsonNode node;
            try {
                node = Json.readTree(value.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                return value;
            }
            if (node == null || !node.isObject() || !(node.has(HEAD) || node.has(PART))) {
                return value;
            }
            JsonNode marker = node.has(HEAD) ? node.get(HEAD) : node.get(PART);
            String updateId = marker.path("update_id").asText("");
            String campaignId = node.path("campaign_id").asText("");
            int parts = marker.path("parts").asInt(-1);
            if (updateId.isEmpty() || parts < 1) {
                return value;
            }
            Pending update = pending.computeIfAbsent(updateId, id -> new Pending(campaignId));
            if (node.has(HEAD)) {
                update.headText = value;
                update.head = (ObjectNode) node;
                // The campaign's latest head: its older heads still waiting for parts will never be applied. Parts
                // without a head stay, as they may belong to a newer push whose head comes later.
                pending.entrySet().removeIf(e -> !e.getKey().equals(updateId)
                        && e.getValue().campaignId.equals(campaignId) && e.getValue().head != null);
            } else {
                int part = marker.path("part").asInt(-1);
                if (part < 0 || part >= parts || !node.path("items").isArray()) {
                    return value;
                }
                update.partTexts.put(part, value);
                update.parts.put(part, node);
            }
            if (update.head == null || update.parts.size() < update.head.get(HEAD).path("parts").asInt()) {
                return null;
            }
            pending.remove(updateId);
            return assemble(update);
        }

        /** The pieces still waiting, as their original text, in the order they came per update. */
        public List<String> waiting() {
            List<String> pieces = new ArrayList<>();
            for (Pending update : pending.values()) {
                pieces.addAll(update.partTexts.values());
                if (update.headText != null) {
                    pieces.add(update.headText);
                }
            }
            return pieces;
        }

        private static String assemble(Pending update) {
            ObjectNode document = update.head;
            document.remove(HEAD);
            ArrayNode items = document.get("items") instanceof ArrayNode own ? own : document.putArray("items");
            for (JsonNode part : update.parts.values()) {
                part.path("items").forEach(items::add);
            }
            return Json.toString(document);
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
