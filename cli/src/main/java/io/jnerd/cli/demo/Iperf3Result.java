package io.jnerd.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The throughput of an {@code iperf3 -c ... -J} run: what the server received, in bits/s. */
public final class Iperf3Result {
    private Iperf3Result() {}

    public static double receivedBitsPerSecond(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("iperf3 printed no JSON: " + firstLine(json));
        }
        if (root == null) {
            throw new IllegalArgumentException("iperf3 printed nothing");
        }
        if (root.hasNonNull("error")) {
            throw new IllegalArgumentException("iperf3: " + root.get("error").asText());
        }
        JsonNode bps = root.path("end").path("sum_received").path("bits_per_second");
        if (!bps.isNumber()) {
            throw new IllegalArgumentException("iperf3 JSON has no end.sum_received.bits_per_second");
        }
        return bps.asDouble();
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
