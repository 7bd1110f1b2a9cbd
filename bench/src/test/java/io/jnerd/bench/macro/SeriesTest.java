package io.jnerd.bench.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeriesTest {

    @Test
    void minMedianMaxOfAnOddCount() {
        Series s = new Series(Metric.IPERF_TCP_OUT, Mode.HOST);
        s.add(3);
        s.add(1);
        s.add(2);
        assertEquals(1, s.min());
        assertEquals(2, s.median());
        assertEquals(3, s.max());
        assertEquals(3, s.samples().size());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        Series s = new Series(Metric.CONNECT_RATE, Mode.VETH);
        for (double v : new double[] {10, 40, 20, 30}) {
            s.add(v);
        }
        assertEquals(25, s.median());
    }

    @Test
    void rejectsSamplesThatAreNoMeasurement() {
        Series s = new Series(Metric.CONNECT_RATE, Mode.VETH);
        assertThrows(IllegalArgumentException.class, () -> s.add(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> s.add(-1));
        assertThrows(IllegalArgumentException.class, () -> s.add(Double.POSITIVE_INFINITY));
        assertThrows(IllegalStateException.class, s::median);
    }
}
