package io.warroom.serde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Takes the user ids out of a dead-letter payload: the value of every user-id field, at any depth, is replaced by
 * {@code "hmac-sha256:<hex>"}, the keyed hash of the value (of a string's text, or of the JSON text of any other
 * value; {@code null} stays null). A field is a user-id field if its name, lower-cased and without anything but
 * letters and digits, is {@code userid}: {@code user_id}, {@code userId}, {@code USER-ID}, also when escaped.
 *
 * <p>Everything else is kept exactly as it was (spacing, escapes, number formats): the redacted payload differs from
 * the original only in the hashed values. A payload that is not JSON to its end (cut off, garbage, not UTF-8, past
 * the reader's limits) is kept only up to the last point the reader understood, with the user ids in that part
 * replaced; the rest is dropped, since a user id in it could not be found. Text that names no user-id field (a user
 * id as a map key, inside free text, or by position in an array) is not recognized.
 *
 * <p>Never throws on any payload. Not thread-safe (one {@link Mac}); one per operator instance.
 */
public final class PayloadRedactor {
    public static final String HASH_PREFIX = "hmac-sha256:";
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;

    /** @param key the secret of the keyed hash; the same key gives the same hash for the same user id */
    public PayloadRedactor(byte[] key) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available for dead-letter redaction", e);
        }
    }

    /**
     * The payload with its user ids replaced.
     *
     * @param complete whether the payload was read to its end; if not, {@code text} holds only the part before the
     *     first point that could not be read
     */
    public record Redacted(String text, boolean complete) {}

    public Redacted redact(String payload) {
        if (payload == null || payload.isEmpty()) {
            return new Redacted("", true);
        }
        StringBuilder out = new StringBuilder(payload.length());
        int copied = 0; // payload[0, copied) is in out, with its user ids replaced
        int safe = 0; // payload[0, safe) has been read as JSON and holds no user id that is not replaced
        boolean complete = false;
        try (JsonParser p = Json.deadLetterParser(payload)) {
            boolean userIdNext = false;
            for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
                int start = (int) p.currentTokenLocation().getCharOffset();
                int end;
                String hashed = null;
                switch (token) {
                    case FIELD_NAME -> {
                        userIdNext = isUserIdField(p.currentName());
                        // Up to the colon: the reader may already have parsed a number value beyond it.
                        safe = payload.indexOf(':', endOfString(payload, start)) + 1;
                        continue;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        if (!userIdNext) {
                            safe = start + 1;
                            continue;
                        }
                        p.skipChildren();
                        end = (int) p.currentTokenLocation().getCharOffset() + 1;
                        hashed = hash(payload.substring(start, end));
                    }
                    case VALUE_STRING -> {
                        String value = p.getText();
                        end = endOfString(payload, start);
                        hashed = userIdNext ? hash(value) : null;
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        end = endOfNumber(payload, start);
                        hashed = userIdNext ? hash(payload.substring(start, end)) : null;
                    }
                    case VALUE_TRUE, VALUE_FALSE -> {
                        end = start + (token == JsonToken.VALUE_TRUE ? 4 : 5);
                        hashed = userIdNext ? hash(payload.substring(start, end)) : null;
                    }
                    default -> end = start + (token == JsonToken.VALUE_NULL ? 4 : 1); // null, '}' or ']'
                }
                if (hashed != null) {
                    out.append(payload, copied, start).append('"').append(HASH_PREFIX).append(hashed).append('"');
                    copied = end;
                }
                safe = end;
                userIdNext = false;
            }
            complete = true;
        } catch (IOException | RuntimeException e) {
            // Not JSON from here on (or past the reader's limits): keep what was read, drop the rest.
        }
        out.append(payload, copied, complete ? payload.length() : Math.max(copied, safe));
        return new Redacted(out.toString(), complete);
    }

    /** The keyed hash of bytes, in hex. */
    public String hash(byte[] bytes) {
        return HexFormat.of().formatHex(mac.doFinal(bytes));
    }

    private String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isUserIdField(String name) {
        StringBuilder letters = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                letters.append(c);
            }
        }
        return letters.toString().toLowerCase(Locale.ROOT).equals("userid");
    }

    /** The offset just past the string that opens with the quote at {@code quote}; the reader has checked it. */
    private static int endOfString(String text, int quote) {
        for (int i = quote + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return text.length();
    }

    private static int endOfNumber(String text, int start) {
        int i = start;
        while (i < text.length() && "0123456789+-.eE".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }
}
