package io.jnerd.netns.testhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The pauses between two connections a test-host server accepted, from the accept log of
 * {@link TestHostNamespace#startPeerAddressEcho}: what a client connecting in a loop saw as
 * its longest wait (a daemon restart, say), measured where the connections arrive.
 *
 * @param accepts     connections accepted
 * @param maxMillis   the longest pause between two of them
 * @param medianMillis the median pause
 */
public record AcceptGaps(int accepts, double maxMillis, double medianMillis) {

    private static final DateTimeFormatter SOCAT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    /**
     * Reads socat's log ("2026/12/06 14:10:00.123456 socat[12] N accepting connection from
     * ..."), leaving out the first accept: the server's readiness probe, made before any client.
     */
    public static AcceptGaps read(Path acceptLog) throws IOException {
        List<Long> micros = new ArrayList<>();
        for (String line : Files.readAllLines(acceptLog)) {
            if (line.contains("accepting connection from")) {
                micros.add(LocalTime.parse(line.substring(11, 26), SOCAT_TIME).toNanoOfDay() / 1000);
            }
        }
        if (!micros.isEmpty()) {
            micros.remove(0);
        }
        List<Long> pauses = new ArrayList<>();
        for (int i = 1; i < micros.size(); i++) {
            pauses.add(micros.get(i) - micros.get(i - 1));
        }
        Collections.sort(pauses);
        if (pauses.isEmpty()) {
            return new AcceptGaps(micros.size(), 0, 0);
        }
        return new AcceptGaps(micros.size(), pauses.get(pauses.size() - 1) / 1000.0, pauses.get(pauses.size() / 2) / 1000.0);
    }

    @Override
    public String toString() {
        return String.format("between two connects the test host saw at most %.0f ms (median %.1f ms, %d accepts)",
                maxMillis, medianMillis, accepts);
    }
}
