package io.jnerd.seccomp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void everyValueFallsInABucketWhoseBoundIsWithinAnEighthAboveIt() {
        for (long v : new long[] {0, 1, 15, 16, 17, 31, 32, 1000, 6_400, 123_456_789L, Long.MAX_VALUE / 2}) {
            long bound = LatencyHistogram.upperBound(LatencyHistogram.bucket(v));
            assertTrue(bound >= v && bound <= v + v / 8 + 1, v + " -> " + bound);
        }
    }

    @Test
    void percentilesOfAKnownDistribution() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(0.5), "empty");
        for (int i = 1; i <= 1000; i++) {
            h.record(i * 1000L); // 1 us .. 1 ms, evenly
        }
        h.record(-5); // a clock going backwards counts as 0
        assertEquals(1001, h.count());
        long p50 = h.percentile(0.5);
        long p99 = h.percentile(0.99);
        assertTrue(p50 >= 500_000 && p50 <= 500_000 * 9 / 8, "p50 " + p50);
        assertTrue(p99 >= 990_000 && p99 <= 990_000 * 9 / 8, "p99 " + p99);
        assertEquals(0, h.percentile(0));
    }
}
