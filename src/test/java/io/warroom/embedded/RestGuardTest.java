package io.warroom.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.shaded.netty4.io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** Which requests the guard lets reach Flink's REST handlers. */
class RestGuardTest {
    private static final String JOB = "/jobs/4f0e1c2d3b4a59687766554433221100";

    @Test
    void readsPass() {
        for (String path : new String[] {"/jobs/overview", JOB, JOB + "/checkpoints", "/config", "/v1/jobs"}) {
            assertThat(RestGuard.permitted(HttpMethod.GET, path, false)).as(path).isTrue();
        }
        assertThat(RestGuard.permitted(HttpMethod.HEAD, JOB, false)).isTrue();
        assertThat(RestGuard.permitted(HttpMethod.OPTIONS, JOB, false)).isTrue();
    }

    @Test
    void cancelPassesOnlyWhenAllowedWhateverItsSpelling() {
        for (String path : new String[] {JOB, JOB + "?mode=cancel", "/v1" + JOB, "//JOBS//4f0e/", "/jobs/%34f0e"}) {
            assertThat(RestGuard.permitted(HttpMethod.PATCH, path, false)).as(path).isFalse();
            assertThat(RestGuard.permitted(HttpMethod.PATCH, path, true)).as(path).isTrue();
        }
        for (String path : new String[] {JOB + "/yarn-cancel", JOB + "/yarn-stop", "/v1" + JOB + "/YARN-CANCEL",
                JOB + "/yarn%2Dcancel"}) {
            assertThat(RestGuard.permitted(HttpMethod.GET, path, false)).as(path).isFalse();
            assertThat(RestGuard.permitted(HttpMethod.GET, path, true)).as(path).isTrue();
        }
    }

    @Test
    void everyOtherChangeIsRefusedEvenWithCancelAllowed() {
        assertThat(RestGuard.permitted(HttpMethod.POST, "/jobs", true)).as("job submission").isFalse();
        assertThat(RestGuard.permitted(HttpMethod.POST, JOB + "/stop", true)).as("stop with savepoint").isFalse();
        assertThat(RestGuard.permitted(HttpMethod.POST, JOB + "/savepoints", true)).isFalse();
        assertThat(RestGuard.permitted(HttpMethod.PATCH, JOB + "/rescaling", true)).isFalse();
        assertThat(RestGuard.permitted(HttpMethod.PUT, JOB + "/resource-requirements", true)).isFalse();
        assertThat(RestGuard.permitted(HttpMethod.DELETE, "/cluster", true)).as("cluster shutdown").isFalse();
        assertThat(RestGuard.permitted(HttpMethod.POST, "/jars/upload", true)).isFalse();
    }
}
