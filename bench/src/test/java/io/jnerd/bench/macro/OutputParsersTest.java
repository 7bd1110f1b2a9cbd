package io.jnerd.bench.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputParsersTest {

    @Test
    void iperf3ReceivedThroughput() throws IOException {
        String json = "{\"start\":{},\"end\":{\"sum_sent\":{\"bits_per_second\":2.0e10},"
                + "\"sum_received\":{\"bits_per_second\":1.5e10}}}";
        assertEquals(15.0, OutputParsers.iperf3Gbits(json), 1e-9);
    }

    @Test
    void iperf3ErrorIsItsOwnMessage() {
        IOException e = assertThrows(IOException.class,
                () -> OutputParsers.iperf3Gbits("{\"error\":\"unable to connect to server: Connection refused\"}"));
        assertEquals("iperf3: unable to connect to server: Connection refused", e.getMessage());
        assertThrows(IOException.class, () -> OutputParsers.iperf3Gbits("iperf3: error - no JSON"));
    }

    @Test
    void redisBenchmarkCsv() throws IOException {
        String csv = "\"test\",\"rps\",\"avg_latency_ms\"\n\"GET\",\"33388.98\",\"0.390\"\n";
        assertEquals(33388.98, OutputParsers.redisRps(csv, "GET"), 1e-9);
        assertThrows(IOException.class, () -> OutputParsers.redisRps(csv, "SET"));
    }

    @Test
    void netbenchKeyValues() throws IOException {
        Map<String, Double> kv = OutputParsers.keyValues("connects=23291 seconds=2.003 rate=11630.1 p50_us=20.3 p99_us=332.1\n");
        assertEquals(11630.1, OutputParsers.require(kv, "rate"), 1e-9);
        assertEquals(332.1, kv.get("p99_us"), 1e-9);
        IOException missing = assertThrows(IOException.class, () -> OutputParsers.require(kv, "ops"));
        assertTrue(missing.getMessage().contains("ops"));
        assertThrows(IOException.class, () -> OutputParsers.keyValues("rate=fast"));
        assertThrows(IOException.class, () -> OutputParsers.keyValues(""));
    }
}
