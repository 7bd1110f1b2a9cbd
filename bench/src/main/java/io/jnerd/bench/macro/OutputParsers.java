package io.jnerd.bench.macro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Reads the numbers out of iperf3 -J, redis-benchmark --csv and netbench's key=value line. */
final class OutputParsers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutputParsers() {}

    /** Received bits per second of an iperf3 -J run (for UDP: what arrived, not what was sent), in Gbit/s. */
    static double iperf3Gbits(String json) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IOException("iperf3 printed no JSON: " + Commands.lastLine(json));
        }
        if (root.hasNonNull("error")) {
            throw new IOException("iperf3: " + root.get("error").asText());
        }
        JsonNode bps = root.path("end").path("sum_received").path("bits_per_second");
        if (!bps.isNumber()) {
            throw new IOException("iperf3 JSON has no end.sum_received.bits_per_second");
        }
        return bps.asDouble() / 1e9;
    }

    /** Requests per second of the one test of {@code redis-benchmark --csv -t TEST}. */
    static double redisRps(String csv, String test) throws IOException {
        for (String line : csv.split("\n")) {
            String[] f = line.strip().split(",");
            if (f.length >= 2 && f[0].equals("\"" + test + "\"")) {
                return Double.parseDouble(f[1].replace("\"", ""));
            }
        }
        throw new IOException("redis-benchmark printed no " + test + " line: " + Commands.lastLine(csv));
    }

    /** netbench's "k=v k=v" result line. */
    static Map<String, Double> keyValues(String output) throws IOException {
        Map<String, Double> values = new HashMap<>();
        for (String token : Commands.lastLine(output).split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                try {
                    values.put(token.substring(0, eq), Double.parseDouble(token.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    throw new IOException("netbench printed a bad number: " + token);
                }
            }
        }
        if (values.isEmpty()) {
            throw new IOException("netbench printed no result: " + Commands.lastLine(output));
        }
        return values;
    }

    static double require(Map<String, Double> values, String key) throws IOException {
        Double v = values.get(key);
        if (v == null) {
            throw new IOException("netbench printed no " + key);
        }
        return v;
    }
}
