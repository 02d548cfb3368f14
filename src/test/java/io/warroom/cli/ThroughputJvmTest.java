package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThroughputJvmTest {
    @Test
    void aReplayGoesToAChildUnlessHelpIsAsked() {
        // This JVM (surefire's) names no collector and carries no agent.
        assertThat(ThroughputJvm.wanted(new String[] {"replay", "--campaign", "c.yaml"})).isTrue();
        assertThat(ThroughputJvm.wanted(new String[] {"replay", "--help"})).isFalse();
        assertThat(ThroughputJvm.wanted(new String[] {"replay", "-V"})).isFalse();
        assertThat(ThroughputJvm.wanted(new String[] {"run", "--campaign", "c.yaml"})).isFalse();
        assertThat(ThroughputJvm.wanted(new String[] {"generate", "replay"})).isFalse();
        assertThat(ThroughputJvm.wanted(new String[0])).isFalse();
    }

    @Test
    void theChildRunsTheSameCommandWithThisJvmsOptionsAfterTheThroughputOnesAndTheParallelCollector() {
        List<String> command = ThroughputJvm.childCommand(new String[] {"replay", "--input", "in dir"});

        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        int compiler = ThroughputJvm.COMPILER_OPTIONS.size();
        assertThat(command.subList(1, 1 + compiler)).isEqualTo(ThroughputJvm.COMPILER_OPTIONS);
        long halfHeapMegabytes = Runtime.getRuntime().maxMemory() / 2 / (1024 * 1024);
        assertThat(command.subList(1 + compiler, 3 + compiler))
                .containsExactly("-XX:MetaspaceSize=256m", "-Xms" + halfHeapMegabytes + "m");
        // The user's options come later, so that the JVM takes theirs where both set one.
        assertThat(command.subList(3 + compiler, 3 + compiler + jvmOptions.size())).isEqualTo(jvmOptions);
        assertThat(command).contains("-XX:+UseParallelGC", "-D" + ThroughputJvm.CHILD_PROPERTY + "=true",
                System.getProperty("java.class.path"));
        assertThat(command.subList(command.size() - 4, command.size()))
                .containsExactly(WarroomCli.class.getName(), "replay", "--input", "in dir");
    }

    @Test
    void aStartingHeapTheUserSizedIsLeftToThem() {
        for (String option : List.of("-Xms64m", "-XX:InitialHeapSize=64m", "-XX:MinHeapSize=1g",
                "-XX:InitialRAMPercentage=5")) {
            List<String> command = ThroughputJvm.childCommand(new String[] {"replay"}, List.of("-Xmx4g", option));
            assertThat(command).as(option).contains(option).noneMatch(o -> o.startsWith("-Xms") && !o.equals(option));
        }
        assertThat(ThroughputJvm.childCommand(new String[] {"replay"}, List.of("-Xmx4g")))
                .anyMatch(o -> o.startsWith("-Xms"));
    }

    @Test
    void theChildDoesNotForkAgain() {
        System.setProperty(ThroughputJvm.CHILD_PROPERTY, "true");
        try {
            assertThat(ThroughputJvm.wanted(new String[] {"replay", "--campaign", "c.yaml"})).isFalse();
        } finally {
            System.clearProperty(ThroughputJvm.CHILD_PROPERTY);
        }
    }
}
