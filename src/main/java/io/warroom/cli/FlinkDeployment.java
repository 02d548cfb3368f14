package io.warroom.cli;

import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a command's Flink job runs: in this JVM ({@code java -jar warroom.jar ...}), or on a Flink cluster that
 * loaded the jar ({@code flink run}, or application mode, where {@code main} runs inside the JobManager). Flink
 * hands a cluster-bound environment to {@code getExecutionEnvironment} only in the latter case.
 */
final class FlinkDeployment {
    private FlinkDeployment() {}

    static boolean onCluster() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }
}
