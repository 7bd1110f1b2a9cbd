package io.jnerd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class AcceptUnderEmfileTest {

    @TempDir
    Path dir;

    @Test
    void acceptFailuresPauseInsteadOfSpinningAndTheWaitingClientIsServedAfterwards() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AcceptUnderEmfileProbe.class.getName(), dir.resolve("s.sock").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Matcher m = Pattern.compile("failures=(\\d+) answer=(.*)").matcher(out);
        assertTrue(m.find(), out);
        int failures = Integer.parseInt(m.group(1));
        // One failure per one-second pause: about 3 in 2.5 s. A loop that retries at once logs thousands.
        assertTrue(failures >= 1 && failures <= 5, out);
        assertEquals("HTTP/1.1 200 OK", m.group(2).trim(), out);
    }
}
