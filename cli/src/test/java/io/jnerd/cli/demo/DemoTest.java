package io.jnerd.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.Terminal;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTest {
    @Test
    void throughputIsWhatTheServerReceived() {
        String json = "{\"start\":{},\"end\":{\"sum_sent\":{\"bits_per_second\":2.5e9},"
                + "\"sum_received\":{\"bits_per_second\":2.4e9}}}";
        assertEquals(2.4e9, Iperf3Result.receivedBitsPerSecond(json));
    }

    @Test
    void iperf3ErrorsAreReportedInItsOwnWords() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Iperf3Result.receivedBitsPerSecond(
                "{\"start\":{},\"end\":{},\"error\":\"unable to connect to server: Connection refused\"}"));
        assertEquals("iperf3: unable to connect to server: Connection refused", e.getMessage());
        IllegalArgumentException noJson = assertThrows(IllegalArgumentException.class,
                () -> Iperf3Result.receivedBitsPerSecond("sh: iperf3: not found\nmore"));
        assertEquals("iperf3 printed no JSON: sh: iperf3: not found", noJson.getMessage());
    }

    private static String report(Map<String, Double> results, Map<String, String> failures, int expectedStatus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(expectedStatus, DemoReport.print(new PrintStream(out, true, StandardCharsets.UTF_8), results, failures));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportShowsHostSlirpAndBypassThenBypassAgainstHostThenAgainstSlirp() {
        String out = report(new java.util.LinkedHashMap<>(Map.of("bypass4netns", 14.8e9, "host", 15.6e9,
                "slirp4netns", 2.2e9)), Map.of(), 0);
        assertEquals(java.util.List.of(
                "host:            15.60 Gbit/s",
                "slirp4netns:      2.20 Gbit/s",
                "bypass4netns:    14.80 Gbit/s",
                "ratio bypass4netns / host: 0.95",
                "ratio bypass4netns / slirp4netns: 6.7"), out.lines().toList());
    }

    @Test
    void aFailedPathSaysWhyKeepsTheOtherRatioAndFails() {
        String out = report(Map.of("slirp4netns", 2e9, "bypass4netns", 10e9),
                Map.of("host", "iperf3: unable to connect to server: Connection refused"), 1);
        assertEquals(java.util.List.of(
                "host:         failed: iperf3: unable to connect to server: Connection refused",
                "slirp4netns:      2.00 Gbit/s",
                "bypass4netns:    10.00 Gbit/s",
                "ratio bypass4netns / slirp4netns: 5.0"), out.lines().toList());
    }

    @Test
    void anOrdinaryUserWithoutTargetIsToldInOneLineWhatRootMustRun() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal t = new Terminal(InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(1, Demo.run(t, false, null, 5));
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("sudo jnerd demo"), line);
    }

    @Test
    void packageListComesFromTheJar() throws Exception {
        assertTrue(PackageInstaller.packages().containsAll(java.util.List.of("rootlesskit", "slirp4netns", "iperf3",
                "busybox-static")), PackageInstaller.packages().toString());
    }
}
