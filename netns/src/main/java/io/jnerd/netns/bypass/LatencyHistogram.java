package io.jnerd.netns.bypass;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Handler latencies in log-linear buckets (four per power of two, so a quantile is off by
 * at most 19%), lock-free to record from any thread.
 */
public final class LatencyHistogram {

    private static final int SUB = 4;
    private static final int BUCKETS = 64 * SUB;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(bucket(Math.max(1, nanos)));
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The upper bound of the bucket holding quantile {@code q} (0 to 1), in nanoseconds; 0 when empty. */
    public long quantileNanos(double q) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    static int bucket(long nanos) {
        int exp = 63 - Long.numberOfLeadingZeros(nanos);
        int sub = exp < 2 ? 0 : (int) ((nanos >>> (exp - 2)) & (SUB - 1));
        return exp * SUB + sub;
    }

    static long upperBound(int bucket) {
        int exp = bucket / SUB;
        int sub = bucket % SUB;
        if (exp < 2) {
            return (1L << (exp + 1)) - 1;
        }
        long base = 1L << exp;
        return base + (base / SUB) * (sub + 1) - 1;
    }
}
