package io.warroom.alerting;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.warroom.model.AlertEvent;
import io.warroom.serde.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alert changes to Alertmanager the way Alertmanager expects them: an alert is a state that the client keeps
 * asserting, not a one-off message.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>A firing alert is sent at once and re-sent every {@code resendInterval} with {@code endsAt = now + 3 x
 *       resendInterval}, so two missed sends do not resolve it.
 *   <li>A resolved alert is sent with {@code endsAt} = its resolve time and re-sent for {@code resolvedResendFor},
 *       then forgotten.
 *   <li>Flap control in event time: a resolve is held back until event time (the watermarks passed to
 *       {@link #advanceEventTime} and the alert times themselves) reaches {@code resolvedAt + resolveHoldBack}. A
 *       fire of the same campaign, type and item before then continues the same incident: the held resolve and the
 *       new fire are both dropped and the original id, labels and startsAt stay. {@link #endOfInput()} releases
 *       every held resolve.
 *   <li>The caller never blocks: sending happens on a background thread ({@link #start()}), or in tests by calling
 *       {@link #deliverDue()}. Failed batches are retried with exponential backoff. The queue is bounded: when full,
 *       the oldest pending re-send is dropped (logged with its id); first fires and resolves are never dropped.
 *       Alerts still unsent at {@link #close()} are logged with their ids.
 * </ul>
 *
 * <p>Thread safety: all methods may be called from any thread; state is guarded by one lock, and HTTP calls happen
 * outside it.
 */
public final class AlertDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);

    /** Why an alert is queued; the order is the priority when one alert is queued for two reasons. */
    enum Reason {
        RESEND,
        FIRE,
        RESOLVE
    }

    /** One incident as Alertmanager knows it. */
    private static final class Tracked {
        final AlertEvent identity;
        final String key;
        Long heldResolvedAt;
        Long resolvedAt;
        /** False only for a resolve whose fire came before a restart: Alertmanager must not see it fire again. */
        boolean announced;
        long nextSendAt = Long.MAX_VALUE;
        long forgetAt = Long.MAX_VALUE;

        Tracked(AlertEvent identity, String key) {
            this.identity = identity;
            this.key = key;
        }
    }

    private final AlertDeliverySettings settings;
    private final AlertmanagerAlert format;
    private final AlertSender sender;
    private final LongSupplier clock;
    private final long resendMillis;
    private final long resolvedResendMillis;
    private final long holdBackMillis;

    private final Object lock = new Object();
    /** Every alert Alertmanager must hear about, by alert id. */
    private final Map<String, Tracked> alerts = new LinkedHashMap<>();
    /** The firing (or resolve-held) incident of each campaign/type/item. */
    private final Map<String, Tracked> open = new HashMap<>();
    /** Alert ids waiting to be sent, oldest first; an id is queued at most once. */
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Map<String, Reason> queued = new HashMap<>();
    private List<String> inFlight = List.of();
    private long eventTime = Long.MIN_VALUE;
    private long nextAttemptAt = Long.MIN_VALUE;
    private long backoffMillis;
    private long sentBatches;
    private long failures;
    private long dropped;
    private boolean closed;
    private Thread worker;

    /**
     * @param format maps alerts to Alertmanager JSON
     * @param sender posts batches; {@link HttpAlertSender} in production
     * @param clock wall clock in epoch ms (re-send timing, endsAt, backoff); {@code System::currentTimeMillis}
     */
    public AlertDelivery(
            AlertDeliverySettings settings, AlertmanagerAlert format, AlertSender sender, LongSupplier clock) {
        this.settings = Objects.requireNonNull(settings);
        this.format = Objects.requireNonNull(format);
        this.sender = Objects.requireNonNull(sender);
        this.clock = Objects.requireNonNull(clock);
        this.resendMillis = settings.resendInterval().toMillis();
        this.resolvedResendMillis = settings.resolvedResendFor().toMillis();
        this.holdBackMillis = settings.resolveHoldBack().toMillis();
        this.backoffMillis = settings.initialBackoff().toMillis();
    }

    /** Starts the background sender thread (a daemon, so a forgotten close cannot keep a JVM alive). */
    public void start() {
        synchronized (lock) {
            if (worker != null) {
                return;
            }
            worker = new Thread(this::run, "alertmanager-delivery");
            worker.setDaemon(true);
            worker.start();
        }
    }

    /** Takes one alert change; never blocks on the network. */
    public void accept(AlertEvent event) {
        synchronized (lock) {
            if (event.state() == AlertEvent.State.FIRED) {
                onFired(event);
            } else {
                onResolved(event);
            }
            lock.notifyAll();
        }
    }

    /** Event time reached {@code watermark}: held resolves whose hold-back has passed are released. */
    public void advanceEventTime(long watermark) {
        synchronized (lock) {
            advanceTo(watermark);
            lock.notifyAll();
        }
    }

    /**
     * The incidents Alertmanager must go on hearing about, as the changes that lead to them: each open incident's
     * fire, followed by its held resolve if it has one. Given to {@link #accept} in order after a restart, they
     * restore the same incidents (a resolve alone stays unannounced, as it was).
     */
    public List<AlertEvent> openIncidents() {
        synchronized (lock) {
            List<AlertEvent> changes = new ArrayList<>();
            for (Tracked tracked : open.values()) {
                AlertEvent identity = tracked.identity;
                if (tracked.announced) {
                    changes.add(identity.asFired());
                }
                if (tracked.heldResolvedAt != null) {
                    changes.add(identity.asResolvedAt(tracked.heldResolvedAt));
                }
            }
            return changes;
        }
    }

    /** No more input: held resolves are released at once (nothing can re-fire them any more). */
    public void endOfInput() {
        synchronized (lock) {
            for (Tracked tracked : List.copyOf(open.values())) {
                if (tracked.heldResolvedAt != null) {
                    release(tracked);
                }
            }
            lock.notifyAll();
        }
    }

    private void onFired(AlertEvent fire) {
        String key = keyOf(fire);
        Tracked current = open.get(key);
        if (current != null && current.heldResolvedAt != null
                && fire.firedAt() < current.heldResolvedAt + holdBackMillis) {
            // A flap: the condition came back within the hold-back, so it is the same incident. Alertmanager keeps
            // seeing the original alert firing and nobody is paged twice.
            LOG.debug("alert {} re-fired as {} within the hold-back; kept as one incident", current.identity.id(),
                    fire.id());
            current.heldResolvedAt = null;
            if (!current.announced) {
                current.announced = true;
                enqueue(current, Reason.FIRE);
            }
            advanceTo(fire.firedAt());
            return;
        }
        advanceTo(fire.firedAt());
        current = open.get(key);
        if (current != null) {
            // Same id: a replay or restart repeating what we already have. Another id without a resolve in between
            // cannot come from the alert functions; keeping the first avoids two pages for one condition.
            if (!current.identity.id().equals(fire.id())) {
                LOG.warn("alert {} fired while {} of the same campaign/type/item is still firing; kept the first",
                        fire.id(), current.identity.id());
            }
            return;
        }
        Tracked known = alerts.get(fire.id());
        if (known != null) {
            return; // already resolved and being re-sent; a late duplicate fire must not re-open it
        }
        Tracked tracked = new Tracked(fire, key);
        tracked.announced = true;
        alerts.put(fire.id(), tracked);
        open.put(key, tracked);
        enqueue(tracked, Reason.FIRE);
    }

    private void onResolved(AlertEvent resolve) {
        String key = keyOf(resolve);
        Tracked current = open.get(key);
        if (current == null) {
            Tracked known = alerts.get(resolve.id());
            if (known != null) {
                return; // a duplicate of a resolve already released
            }
            // The fire was before a restart of this delivery: the resolve alone carries id, labels and startsAt.
            // It is not announced as firing while held, since Alertmanager may already have it resolved and would
            // page again; it is sent when released (or when a re-fire makes it firing again).
            current = new Tracked(resolve, key);
            alerts.put(resolve.id(), current);
            open.put(key, current);
        }
        long resolvedAt = resolve.resolvedAt() == null ? resolve.firedAt() : resolve.resolvedAt();
        current.heldResolvedAt =
                current.heldResolvedAt == null ? resolvedAt : Math.min(current.heldResolvedAt, resolvedAt);
        advanceTo(resolvedAt);
    }

    private void advanceTo(long time) {
        if (time > eventTime) {
            eventTime = time;
        }
        for (Tracked tracked : List.copyOf(open.values())) {
            if (tracked.heldResolvedAt != null && eventTime >= tracked.heldResolvedAt + holdBackMillis) {
                release(tracked);
            }
        }
    }

    private void release(Tracked tracked) {
        tracked.resolvedAt = tracked.heldResolvedAt;
        tracked.heldResolvedAt = null;
        open.remove(tracked.key);
        tracked.forgetAt = clock.getAsLong() + resolvedResendMillis;
        enqueue(tracked, Reason.RESOLVE);
    }

    private void enqueue(Tracked tracked, Reason reason) {
        String id = tracked.identity.id();
        tracked.nextSendAt = clock.getAsLong() + resendMillis;
        Reason already = queued.get(id);
        if (already != null) {
            if (reason.compareTo(already) > 0) {
                queued.put(id, reason);
            }
            return;
        }
        if (queue.size() >= settings.maxPending() && !dropOldestResend()) {
            // Only fires and resolves are queued: dropping one would lose a page or leave an alert hanging, so the
            // bound yields here and says so.
            LOG.warn("alert queue over its bound of {} with only fires and resolves; queued {} anyway",
                    settings.maxPending(), id);
        }
        queue.addLast(id);
        queued.put(id, reason);
    }

    private boolean dropOldestResend() {
        for (Iterator<String> it = queue.iterator(); it.hasNext(); ) {
            String id = it.next();
            if (queued.get(id) == Reason.RESEND) {
                it.remove();
                queued.remove(id);
                dropped++;
                // Harmless on its own: the next re-send carries the same state, and endsAt leaves room for two misses.
                LOG.warn("alert queue full: dropped pending re-send of alert {}", id);
                return true;
            }
        }
        return false;
    }

    /**
     * Queues due re-sends, forgets expired resolved alerts and sends one batch if one is due and backoff allows.
     * The background thread calls this in a loop; tests call it directly with a fake clock.
     *
     * @return true if a batch was attempted
     */
    public boolean deliverDue() {
        List<String> batch;
        Map<String, Reason> reasons = new HashMap<>();
        byte[] body;
        long now = clock.getAsLong();
        synchronized (lock) {
            scheduleResends(now);
            if (queue.isEmpty() || now < nextAttemptAt) {
                return false;
            }
            batch = new ArrayList<>();
            ArrayNode array = Json.object().arrayNode();
            while (!queue.isEmpty() && batch.size() < settings.maxBatch()) {
                String id = queue.pollFirst();
                reasons.put(id, queued.remove(id));
                Tracked tracked = alerts.get(id);
                if (tracked == null) {
                    continue;
                }
                batch.add(id);
                array.add(format.toJson(tracked.identity, endsAt(tracked, now)));
            }
            if (batch.isEmpty()) {
                return false;
            }
            inFlight = batch;
            body = Json.toBytes(array);
        }
        Exception error = null;
        URI failed = null;
        // Every Alertmanager gets every batch: members of an HA cluster deduplicate, and a batch that reached some
        // but not all is simply sent again, which Alertmanager treats as an update of the same alerts.
        for (URI alertmanager : settings.alertmanagers()) {
            try {
                sender.send(alertmanager, body);
            } catch (Exception e) {
                error = e;
                failed = alertmanager;
            }
        }
        synchronized (lock) {
            inFlight = List.of();
            if (error == null) {
                sentBatches++;
                backoffMillis = settings.initialBackoff().toMillis();
                nextAttemptAt = Long.MIN_VALUE;
            } else {
                failures++;
                nextAttemptAt = clock.getAsLong() + backoffMillis;
                LOG.warn("sending {} alert(s) to {} failed, retrying in {} ms: {} (alert ids {})", batch.size(),
                        failed, backoffMillis, error.toString(), abbreviate(batch));
                backoffMillis = Math.min(backoffMillis * 2, settings.maxBackoff().toMillis());
                // Back to the front, oldest first, so nothing that failed is lost or overtaken.
                for (int i = batch.size() - 1; i >= 0; i--) {
                    String id = batch.get(i);
                    Reason again = queued.get(id);
                    if (again == null) {
                        queue.addFirst(id);
                        queued.put(id, reasons.get(id));
                    } else if (reasons.get(id).compareTo(again) > 0) {
                        queued.put(id, reasons.get(id));
                    }
                }
            }
            lock.notifyAll();
        }
        return true;
    }

    private long endsAt(Tracked tracked, long now) {
        if (tracked.resolvedAt != null) {
            // Event time can run ahead of the wall clock; an end in the future would keep the alert firing.
            return Math.min(tracked.resolvedAt, now);
        }
        return now + 3 * resendMillis;
    }

    private void scheduleResends(long now) {
        for (Iterator<Tracked> it = alerts.values().iterator(); it.hasNext(); ) {
            Tracked tracked = it.next();
            String id = tracked.identity.id();
            if (now >= tracked.forgetAt && !queued.containsKey(id) && !inFlight.contains(id)) {
                it.remove();
                continue;
            }
            if (now >= tracked.nextSendAt && !queued.containsKey(id)) {
                enqueue(tracked, Reason.RESEND);
            }
        }
    }

    /**
     * Waits until everything queued so far has been sent once (or the timeout passed).
     *
     * @return true if nothing is pending
     */
    public boolean awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!queue.isEmpty() || !inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("{} alert(s) not yet delivered after {}: {}", queue.size() + inFlight.size(), timeout,
                            abbreviate(pendingIds()));
                    return false;
                }
                lock.notifyAll();
                lock.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
            return true;
        }
    }

    private void run() {
        while (true) {
            synchronized (lock) {
                if (closed) {
                    return;
                }
            }
            boolean sent = false;
            try {
                sent = deliverDue();
            } catch (RuntimeException e) {
                LOG.error("alert delivery step failed; continuing", e);
            }
            if (!sent) {
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    try {
                        // Short naps: re-sends and backoff are measured on the injected clock, not on wait().
                        lock.wait(queue.isEmpty() ? 200 : 20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Stops the background thread; alerts still unsent are logged with their ids. */
    @Override
    public void close() {
        Thread thread;
        synchronized (lock) {
            closed = true;
            thread = worker;
            lock.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            for (String id : pendingIds()) {
                LOG.warn("alert {} was not delivered to Alertmanager before shutdown", id);
            }
        }
    }

    private List<String> pendingIds() {
        List<String> ids = new ArrayList<>(inFlight);
        ids.addAll(queue);
        return ids;
    }

    private static String abbreviate(List<String> ids) {
        return ids.size() <= 20 ? ids.toString() : ids.subList(0, 20) + " and " + (ids.size() - 20) + " more";
    }

    private static String keyOf(AlertEvent event) {
        return event.campaignId() + '|' + event.type() + '|' + event.subject();
    }

    /** Batches accepted by every Alertmanager. */
    public long sentBatches() {
        synchronized (lock) {
            return sentBatches;
        }
    }

    /** Batches that failed on at least one Alertmanager (and were retried). */
    public long failures() {
        synchronized (lock) {
            return failures;
        }
    }

    /** Pending re-sends dropped because the queue was full. */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** Alerts waiting to be sent. */
    public int pending() {
        synchronized (lock) {
            return queue.size() + inFlight.size();
        }
    }

    /** Alerts being kept (firing, held, or resolved and still re-sent). */
    public int tracked() {
        synchronized (lock) {
            return alerts.size();
        }
    }
}
