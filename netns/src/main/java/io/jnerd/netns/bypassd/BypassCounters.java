package io.jnerd.netns.bypassd;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one bypass counts, updated by the agent and the socket switcher from any thread.
 * Latency goes into power-of-two nanosecond buckets: percentiles are accurate to a factor
 * of two at a fixed 64-slot cost, which is what a health view needs.
 */
public final class BypassCounters {

    private final Map<String, LongAdder> notifications = new ConcurrentHashMap<>();
    private final LongAdder switched = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder agentConnections = new LongAdder();
    private final AtomicLongArray latencyBuckets = new AtomicLongArray(64);

    /** One notification for {@code syscall}, answered after {@code handlerNanos}. */
    public void notification(String syscall, long handlerNanos) {
        notifications.computeIfAbsent(syscall, s -> new LongAdder()).increment();
        latencyBuckets.incrementAndGet(63 - Long.numberOfLeadingZeros(Math.max(1, handlerNanos)));
    }

    public void socketSwitched() {
        switched.increment();
    }

    public void error() {
        errors.increment();
    }

    public void agentConnection() {
        agentConnections.increment();
    }

    public BypassStats snapshot(String id) {
        Map<String, Long> counts = new TreeMap<>();
        notifications.forEach((k, v) -> counts.put(k, v.sum()));
        long[] buckets = new long[64];
        long total = 0;
        for (int i = 0; i < 64; i++) {
            buckets[i] = latencyBuckets.get(i);
            total += buckets[i];
        }
        return new BypassStats(id, counts, switched.sum(), errors.sum(), percentileMicros(buckets, total, 0.50),
                percentileMicros(buckets, total, 0.99), agentConnections.sum());
    }

    /** The upper bound of the bucket holding the given quantile, in microseconds (0 when empty). */
    static double percentileMicros(long[] buckets, long total, double quantile) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.pow(2, i + 1) / 1000.0;
            }
        }
        return Math.pow(2, 64) / 1000.0;
    }
}
