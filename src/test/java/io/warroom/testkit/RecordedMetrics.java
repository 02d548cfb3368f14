package io.warroom.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;

/**
 * A task's metric group that records every counter registered under it, as a metrics reporter sees them: by name
 * and by the labels of the groups they were added to ({@code addGroup("stream", "clicks")} labels them
 * {@code stream=clicks}). Give {@link #taskGroup()} to a harness's {@code MockEnvironment}: the harnesses' own
 * metric groups keep no metrics that a test can look up.
 */
public final class RecordedMetrics {
    private record Registered(String name, Map<String, String> labels, Counter counter) {}

    private final List<Registered> counters = new CopyOnWriteArrayList<>();
    private final TaskMetricGroup taskGroup;

    public RecordedMetrics() {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> {
                    if (metric instanceof Counter counter) {
                        counters.add(new Registered(name, group.getAllVariables(), counter));
                    }
                })
                .build();
        taskGroup = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "test job")
                .addTask(ExecutionAttemptID.randomId(), "test task");
    }

    public TaskMetricGroup taskGroup() {
        return taskGroup;
    }

    /**
     * The count of the one counter of this name with these labels, given as label, value, label, value...
     *
     * @throws AssertionError when no counter or more than one matches, so a renamed metric fails the test
     */
    public long count(String name, String... labels) {
        List<Registered> matching = counters.stream()
                .filter(registered -> registered.name().equals(name) && hasLabels(registered.labels(), labels))
                .toList();
        if (matching.size() != 1) {
            throw new AssertionError(matching.size() + " counters " + name + " labelled " + List.of(labels)
                    + " among " + counters.stream().map(r -> r.name() + r.labels()).toList());
        }
        return matching.get(0).counter().getCount();
    }

    private static boolean hasLabels(Map<String, String> variables, String[] labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            // Flink wraps variable names in angle brackets.
            if (!labels[i + 1].equals(variables.get("<" + labels[i] + ">"))) {
                return false;
            }
        }
        return true;
    }
}
