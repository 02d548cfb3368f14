package io.warroom.soak;

import io.warroom.model.StreamKind;
import io.warroom.testkit.RestartableKafka;
import io.warroom.testkit.SoakSale.Outgoing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the sale's records to the input topics in their order, at a steady rate, on its own thread, as the upstream
 * feeds do while the monitor is killed, restored or cut off from its broker. It can be held at a record (where a
 * fault is due, or for a quiet spell), and rides out a broker restart: the producer is idempotent, so its retries
 * neither drop nor double a record, and records wait in its buffer until the broker is back.
 */
final class SteadySender implements AutoCloseable {
    /** If sending fell this far behind its schedule (a full buffer, a slow machine), it does not burst to catch up. */
    private static final long MAX_BACKLOG_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<Outgoing> records;
    private final Map<StreamKind, String> topics;
    private final long nanosPerRecord;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final AtomicLong handedOver = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile long lastEventTime = Long.MIN_VALUE;
    private final Object lock = new Object();
    /** The feed sends no record at this index or past it until the barrier moves. */
    private long barrier = Long.MAX_VALUE;
    private boolean parked;
    private volatile boolean done;

    SteadySender(String bootstrapServers, List<Outgoing> records, Map<StreamKind, String> topics, Duration total) {
        this.records = records;
        this.topics = topics;
        this.nanosPerRecord = total.toNanos() / Math.max(1, records.size());
        this.producer = producer(bootstrapServers);
        this.thread = new Thread(this::sendAll, "soak-sender");
        this.thread.setDaemon(true);
    }

    /** A plain upstream producer, except that it takes records of several megabytes and outlasts a broker bounce. */
    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "soak-feed");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RestartableKafka.MAX_RECORD_BYTES);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * RestartableKafka.MAX_RECORD_BYTES);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.MINUTES.toMillis(10));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TimeUnit.MINUTES.toMillis(5));
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    void start() {
        thread.start();
    }

    private void sendAll() {
        long next = System.nanoTime();
        try {
            for (int index = 0; index < records.size(); index++) {
                Outgoing o = records.get(index);
                synchronized (lock) {
                    if (index >= barrier) {
                        parked = true;
                        lock.notifyAll();
                        while (index >= barrier) {
                            lock.wait();
                        }
                        parked = false;
                        next = System.nanoTime();
                    }
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else if (-wait > MAX_BACKLOG_NANOS) {
                    next = System.nanoTime();
                }
                next += nanosPerRecord;
                send(o);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            synchronized (lock) {
                done = true;
                lock.notifyAll();
            }
        }
    }

    private void send(Outgoing o) {
        producer.send(new ProducerRecord<>(topics.get(o.stream()), o.key(), o.value()), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acknowledged.incrementAndGet();
            }
        });
        handedOver.incrementAndGet();
        lastEventTime = o.ts();
    }

    /** Sends one record at once, outside the schedule (the tail), and waits for its acknowledgement. */
    void sendNow(ProducerRecord<String, byte[]> record) throws Exception {
        producer.send(record).get(5, TimeUnit.MINUTES);
    }

    /** Returns once every record handed over so far is acknowledged by the broker. */
    void flush() {
        producer.flush();
    }

    /**
     * Lets the feed run up to record {@code index} (excluded) and no further, so that a fault scheduled there
     * happens there, however long the faults before it took. {@code Long.MAX_VALUE} lets it run to the end.
     */
    void holdAt(long index) {
        synchronized (lock) {
            barrier = index;
            lock.notifyAll();
        }
    }

    /** Whether the feed stands still: at its barrier, or done. */
    boolean parked() {
        synchronized (lock) {
            return parked || done;
        }
    }

    /** Waits until every record is handed over and acknowledged; false if {@code timeout} passed first. */
    boolean awaitDone(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            return false;
        }
        producer.flush();
        return true;
    }

    boolean done() {
        return done;
    }

    long sent() {
        return handedOver.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /** Event time of the last record sent; how far into the sale the feed is. */
    long eventTime() {
        return lastEventTime;
    }

    Exception failure() {
        return failure.get();
    }

    @Override
    public void close() {
        thread.interrupt();
        producer.close(Duration.ofSeconds(30));
    }
}
