package io.warroom.cli;

import io.warroom.config.DeadLetterPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** What the dead letters of a command that runs the monitor keep of rejected payloads. */
final class DeadLetterFlags {
    static final String KEY_VARIABLE = "WARROOM_DEAD_LETTER_KEY";

    @Option(names = "--dead-letter-raw",
            description = "Keep dead-letter payloads as they arrived, user ids included (for a trusted network "
                    + "only). Default: the value of every user_id field is replaced by its keyed hash.")
    boolean raw;

    @Option(names = "--dead-letter-key-file", paramLabel = "FILE",
            description = "Key of the hash (HMAC-SHA256) that replaces user ids in dead letters, at least 16 bytes "
                    + "(e.g. openssl rand -hex 32 > FILE); the same key gives the same hash, across runs. Default: "
                    + "the environment variable " + KEY_VARIABLE + ", else a random key per run (hashes then match "
                    + "only within a run).")
    Path keyFile;

    /** The policy, with the key from the file, else from {@code environmentKey} (the variable's value, or null). */
    DeadLetterPolicy policy(String environmentKey) throws OptionProblem {
        if (raw && keyFile != null) {
            throw new OptionProblem("--dead-letter-raw keeps payloads as they arrived; --dead-letter-key-file "
                    + "has nothing to do then");
        }
        if (raw) {
            return DeadLetterPolicy.raw();
        }
        try {
            if (keyFile != null) {
                return DeadLetterPolicy.redacting(readKey(keyFile), keyFile.toString());
            }
            if (environmentKey != null && !environmentKey.isBlank()) {
                return DeadLetterPolicy.redacting(environmentKey.strip().getBytes(StandardCharsets.UTF_8),
                        KEY_VARIABLE);
            }
        } catch (IllegalArgumentException e) {
            throw new OptionProblem(e.getMessage());
        }
        return DeadLetterPolicy.randomKey();
    }

    DeadLetterPolicy policy() throws OptionProblem {
        return policy(System.getenv(KEY_VARIABLE));
    }

    /** The file's bytes without the line break and spaces an editor or {@code echo} leaves at the end. */
    private static byte[] readKey(Path file) throws OptionProblem {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OptionProblem("--dead-letter-key-file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new OptionProblem("--dead-letter-key-file " + file + ": not readable (permission denied)");
        } catch (IOException e) {
            throw new OptionProblem("--dead-letter-key-file " + file + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r' || bytes[end - 1] == ' ')) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }
}
