package io.jnerd.seccomp.notify;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of durations in nanoseconds: exact below 16 ns, then 8 buckets per
 * power of two, so a percentile is within 12.5% of the true value. Fixed size (488 counters)
 * whatever the range, so it can record every notification of a long-lived daemon.
 */
public final class LatencyHistogram {

    private static final int LINEAR = 16;
    private static final int SUB_BITS = 3;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    private static final int FIRST_EXPONENT = 4; // 2^4 = LINEAR
    private static final int BUCKETS = LINEAR + (63 - FIRST_EXPONENT) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        counts.incrementAndGet(bucket(Math.max(0, nanos)));
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The value at quantile {@code q} (0.5 for the median, 0.99 for p99): the upper bound of
     * the bucket holding it; 0 when nothing was recorded.
     */
    public long percentile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile " + q + " outside 0..1");
        }
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    static int bucket(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
        return LINEAR + (exponent - FIRST_EXPONENT) * SUB_BUCKETS + sub;
    }

    static long upperBound(int bucket) {
        if (bucket < LINEAR) {
            return bucket;
        }
        int exponent = (bucket - LINEAR) / SUB_BUCKETS + FIRST_EXPONENT;
        int sub = (bucket - LINEAR) % SUB_BUCKETS;
        return ((long) (SUB_BUCKETS + sub + 1) << (exponent - SUB_BITS)) - 1;
    }
}
