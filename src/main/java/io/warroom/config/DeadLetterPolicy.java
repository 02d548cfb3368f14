package io.warroom.config;

import java.io.Serializable;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What dead-letter records keep of a rejected payload: by default the payload with its user ids replaced by a keyed
 * hash ({@link io.warroom.serde.PayloadRedactor}); raw, the payload as it arrived. The key travels with the job
 * graph, not in Flink's configuration, which the REST API shows. Its {@code toString} never shows the key.
 */
public final class DeadLetterPolicy implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Shorter keys make the hash of a guessable user id easier to brute-force. */
    public static final int MIN_KEY_BYTES = 16;

    private final boolean raw;
    private final byte[] key;
    private final String keySource;

    private DeadLetterPolicy(boolean raw, byte[] key, String keySource) {
        this.raw = raw;
        this.key = key;
        this.keySource = keySource;
    }

    /** Payloads kept as they arrived, user ids included. */
    public static DeadLetterPolicy raw() {
        return new DeadLetterPolicy(true, null, null);
    }

    /**
     * User ids replaced by their HMAC-SHA256 under {@code key}.
     *
     * @param keySource where the key came from, for messages (never the key)
     */
    public static DeadLetterPolicy redacting(byte[] key, String keySource) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the dead-letter key from " + keySource + " has " + key.length
                    + " bytes; it needs at least " + MIN_KEY_BYTES + " (e.g. openssl rand -hex 32)");
        }
        return new DeadLetterPolicy(false, key.clone(), keySource);
    }

    /** User ids replaced under a random key: hashes correlate records of this run only. */
    public static DeadLetterPolicy randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new DeadLetterPolicy(false, key, "a random key of this run");
    }

    public boolean isRaw() {
        return raw;
    }

    /** The key; only for a redacting policy. */
    public byte[] key() {
        if (raw) {
            throw new IllegalStateException("a raw dead-letter policy has no key");
        }
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetterPolicy other && raw == other.raw && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(raw) * 31 + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return raw ? "raw dead letters" : "dead letters with user ids hashed under " + keySource;
    }
}
