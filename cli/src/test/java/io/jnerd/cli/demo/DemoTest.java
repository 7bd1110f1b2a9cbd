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
