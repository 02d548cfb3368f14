package io.warroom.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine and JVM a benchmark ran on, read at run time, so the figures always say where they come from. */
final class MachineInfo {
    private MachineInfo() {}

    static Map<String, String> describe() {
        Map<String, String> info = new LinkedHashMap<>();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        info.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        info.put("cpu", cpuModel());
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            info.put("memory", gib(sun.getTotalMemorySize()) + " GiB physical");
        }
        info.put("os", os.getName() + " " + os.getVersion() + " (" + os.getArch() + ")");
        info.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        info.put("heap", "max " + gib(Runtime.getRuntime().maxMemory()) + " GiB");
        List<String> collectors = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collectors.add(gc.getName());
        }
        info.put("gc", String.join(", ", collectors));
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("--add-opens")) {
                flags.add(arg);
            }
        }
        info.put("jvm flags", flags.isEmpty() ? "(none)" : String.join(" ", flags));
        info.put("load average at start", String.format("%.2f", os.getSystemLoadAverage()));
        return info;
    }

    static String loadAverage() {
        return String.format("%.2f", loadAverageValue());
    }

    /** The one-minute load average, or NaN where the OS does not tell. */
    static double loadAverageValue() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }

    /** This process's resident memory now ({@code VmRSS}), in bytes; 0 where /proc does not tell. */
    static long residentBytes() {
        return procStatusKib("VmRSS:") * 1024;
    }

    /** This process's peak resident memory so far ({@code VmHWM}), in bytes; 0 where /proc does not tell. */
    static long peakResidentBytes() {
        return procStatusKib("VmHWM:") * 1024;
    }

    private static long procStatusKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux.
        }
        return 0;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux; the core count stands alone.
        }
        return "unknown";
    }

    private static String gib(long bytes) {
        return String.format("%.1f", bytes / (1024.0 * 1024 * 1024));
    }
}
