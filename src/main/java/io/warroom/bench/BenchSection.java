package io.warroom.bench;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The parts of the benchmark (issue 6), selectable with {@code --only}. */
public enum BenchSection {
    REPLAY,
    FLOOR,
    SQL,
    SKEW,
    LATENCY,
    MEMORY,
    CHECKPOINTS,
    YARDSTICKS,
    SCALE,
    DAY;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code replay,floor,...}; throws IllegalArgumentException naming the allowed keys. */
    public static Set<BenchSection> parse(String list) {
        Set<BenchSection> sections = EnumSet.noneOf(BenchSection.class);
        for (String part : list.split(",")) {
            String key = part.trim().toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                continue;
            }
            BenchSection found = null;
            for (BenchSection s : values()) {
                if (s.key().equals(key)) {
                    found = s;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown section '" + part.trim()
                        + "' (sections: replay, floor, sql, skew, latency, memory, checkpoints, yardsticks, scale, "
                        + "day)");
            }
            sections.add(found);
        }
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("no section selected");
        }
        return sections;
    }
}
