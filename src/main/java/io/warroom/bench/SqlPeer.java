package io.warroom.bench;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.embedded.EmbeddedFlinkListeners;
import io.warroom.io.FileInputs;
import io.warroom.model.InputRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

/**
 * The Flink SQL peer: the same campaign and item totals written in SQL ({@link PeerQueries}), over the same files at
 * the same parallelism, in streaming mode with mini-batch and split-distinct aggregation on.
 *
 * <p>Its tables come from a DataStream of the records {@link FileInputs} parses, converted to rows, rather than from
 * the filesystem connector's {@code json} format: that format coerces where the event contract refuses (a number
 * where a string id belongs becomes its text, a quoted quantity becomes a number) and cannot tell a missing field
 * from a bad one, so a user who must count exactly what the contract admits reuses the contract's parser and writes
 * only the aggregation in SQL. Parsing therefore costs the peer what it costs the monitor, and the comparison is
 * between the two ways of aggregating.
 */
final class SqlPeer {
    /** The peer's totals (exact, without minutes) and its speed. */
    record Result(ContractTotals totals, RunMeasurement speed) {}

    private SqlPeer() {}

    static Result run(BenchInput input, int parallelism) throws Exception {
        CampaignCatalog catalog = input.campaigns();
        if (catalog.all().size() != 1) {
            throw new IllegalArgumentException("the SQL peer handles one campaign; the input has "
                    + catalog.all().size());
        }
        CampaignDefinition campaign = catalog.all().get(0);
        FileInputs inputs = input.files();

        SourceCounters.reset();
        long start = System.nanoTime();
        Configuration config = new Configuration();
        SourceCountersFactory.enable(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                EmbeddedFlinkListeners.onLoopback(config));
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        // Rows are made right behind each source (chained, as the monitor splits its input), then united.
        DataStream<Row> clicks = null;
        DataStream<Row> carts = null;
        DataStream<Row> orders = null;
        for (DataStream<InputRecord> records : inputs.create(env, WatermarkStrategy.noWatermarks())) {
            SingleOutputStreamOperator<Row> rows = records.process(new PeerRows()).returns(PeerRows.CLICK)
                    .name("Rows for SQL");
            clicks = clicks == null ? rows : clicks.union(rows);
            carts = carts == null ? rows.getSideOutput(PeerRows.CARTS) : carts.union(rows.getSideOutput(PeerRows.CARTS));
            orders = orders == null ? rows.getSideOutput(PeerRows.ORDERS)
                    : orders.union(rows.getSideOutput(PeerRows.ORDERS));
        }

        StreamTableEnvironment tables = StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
        TableConfig tableConfig = tables.getConfig();
        tableConfig.set("table.exec.mini-batch.enabled", "true");
        tableConfig.set("table.exec.mini-batch.allow-latency", "1 s");
        tableConfig.set("table.exec.mini-batch.size", "5000");
        tableConfig.set("table.optimizer.distinct-agg.split.enabled", "true");
        Schema withProcessingTime = Schema.newBuilder().columnByExpression("proc_time", "PROCTIME()").build();
        tables.createTemporaryView("clicks", clicks, withProcessingTime);
        tables.createTemporaryView("carts", carts, withProcessingTime);
        tables.createTemporaryView("orders", orders, withProcessingTime);
        for (String view : new String[] {PeerQueries.UNIQUE_CLICKS, PeerQueries.UNIQUE_CARTS,
                PeerQueries.UNIQUE_ORDERS, PeerQueries.PAID, PeerQueries.REFUNDS,
                PeerQueries.facts(campaign.start(), campaign.end())}) {
            tables.executeSql(view);
        }

        Map<String, Row> latest = new HashMap<>();
        try (ProgressSampler sampler = new ProgressSampler(SourceCounters::recordsRead, start)) {
            TableResult result = tables.sqlQuery(PeerQueries.TOTALS).execute();
            try (CloseableIterator<Row> changes = result.collect()) {
                while (changes.hasNext()) {
                    Row row = changes.next();
                    String key = String.valueOf(row.getField("item_id"));
                    if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                        latest.put(key, row);
                    } else if (row.getKind() == RowKind.DELETE) {
                        latest.remove(key);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long read = SourceCounters.recordsRead();
            if (read != input.records()) {
                throw new BenchFailure("the SQL peer read " + read + " records of " + input.records());
            }
            ContractTotals totals = new ContractTotals();
            ContractTotals.Campaign c = totals.campaign(campaign.campaignId());
            c.minutes = null;
            for (Row row : latest.values()) {
                if (row.getField("item_id") == null) {
                    copy(row, c.totals);
                } else {
                    ContractTotals.Totals item = new ContractTotals.Totals();
                    copy(row, item);
                    c.items.put((String) row.getField("item_id"), item);
                }
            }
            return new Result(totals, new RunMeasurement(read, seconds, sampler.steadyRate(read),
                    sampler.secondsToFirstRecord()));
        }
    }

    private static void copy(Row row, ContractTotals.Totals t) {
        t.pv = (Long) row.getField("pv");
        t.uv = (Long) row.getField("uv");
        t.carts = (Long) row.getField("carts");
        t.gmvCents = (Long) row.getField("gmv_cents");
        t.orders = (Long) row.getField("orders");
        t.units = (Long) row.getField("units");
        t.buyers = (Long) row.getField("buyers");
        t.refundedCents = (Long) row.getField("refunded_cents");
    }
}
