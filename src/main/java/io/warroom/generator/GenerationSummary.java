package io.warroom.generator;

import io.warroom.model.StreamKind;
import io.warroom.serde.Money;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a run wrote and what the sale in it contained. Record counts are lines (or Kafka records) as delivered,
 * re-sends and malformed records included; the sale totals count each valid event once. The paid gmv is exact: the
 * monitor's gmv for the generated campaign must equal it.
 */
public final class GenerationSummary {
    private final Map<StreamKind, Long> written = new EnumMap<>(StreamKind.class);
    private final Map<StreamKind, Long> late = new EnumMap<>(StreamKind.class);
    private long duplicates;
    private long malformed;
    private final SaleTotals sale;

    GenerationSummary(SaleTotals sale) {
        this.sale = sale;
        for (StreamKind stream : StreamKind.values()) {
            written.put(stream, 0L);
            late.put(stream, 0L);
        }
    }

    void count(Arrival arrival) {
        written.merge(arrival.stream(), 1L, Long::sum);
        if (arrival.late()) {
            late.merge(arrival.stream(), 1L, Long::sum);
        }
        switch (arrival.kind()) {
            case DUPLICATE -> duplicates++;
            case MALFORMED -> malformed++;
            case ORIGINAL -> {
                // counted in written only
            }
        }
    }

    public long written(StreamKind stream) {
        return written.get(stream);
    }

    public long totalWritten() {
        return written.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records delivered far beyond the disorder bound: late events and their re-sends. */
    public long late(StreamKind stream) {
        return late.get(stream);
    }

    public long totalLate() {
        return late.values().stream().mapToLong(Long::longValue).sum();
    }

    public long duplicates() {
        return duplicates;
    }

    public long malformed() {
        return malformed;
    }

    public SaleTotals sale() {
        return sale;
    }

    /** The summary as printed at the end of a run. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (StreamKind stream : StreamKind.values()) {
            lines.add(String.format("%-10s %,12d records", stream.defaultName(), written(stream)));
        }
        lines.add(String.format("total      %,12d records: %,d duplicates, %,d late, %,d malformed",
                totalWritten(), duplicates, totalLate(), malformed));
        lines.add(String.format("sale: %,d clicks, %,d carts, %,d orders created, %,d paid, %,d cancelled, "
                        + "%,d refunded; %,d order lines sold out, %,d restocks",
                sale.clicks(), sale.carts(), sale.ordersCreated(), sale.ordersPaid(), sale.ordersCancelled(),
                sale.ordersRefunded(), sale.soldOutLines(), sale.restocks()));
        lines.add("paid gmv of the campaign window: " + Money.format(sale.paidGmvCents())
                + " (refunded " + Money.format(sale.refundedCents()) + ")");
        return lines;
    }
}
