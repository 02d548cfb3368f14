package io.warroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a small generated input (with its dirt), the Flink SQL peer's totals equal the floor's, exactly. */
class SqlPeerIT {
    @TempDir
    Path work;

    @Test
    void givesTheFloorsNumbers() throws Exception {
        BenchInput input = BenchInput.prepare(work.resolve("input"), BenchInput.saleOf(5_000, 7),
                new PrintWriter(new StringWriter()));
        ContractTotals floor = new FloorMonitor(input.campaigns()).run(input.files().files()).totals();

        SqlPeer.Result peer = SqlPeer.run(input, 1);

        assertThat(peer.speed().records()).isEqualTo(input.records());
        assertThat(TotalsCheck.exactAgainstExact(floor, peer.totals())).isEmpty();
        assertThat(peer.totals().campaigns.get(BenchInput.CAMPAIGN_ID).totals.pv).isPositive();
        assertThat(peer.totals().campaigns.get(BenchInput.CAMPAIGN_ID).totals.refundedCents).isPositive();
    }
}
