package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class ThreadCredentialsKernelTest {

    /** The fields of a /proc/thread-self/status line, as numbers in {@code radix}. */
    private static long[] status(String key, int radix) throws Exception {
        String value = Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.US_ASCII).stream()
                .filter(l -> l.startsWith(key + ":")).findFirst().orElseThrow().substring(key.length() + 1).strip();
        return value.isEmpty() ? new long[0]
                : Arrays.stream(value.split("\\s+")).mapToLong(v -> Long.parseUnsignedLong(v, radix)).toArray();
    }

    @Test
    void whatItReadsIsWhatTheKernelShowsInStatus() throws Exception {
        assertArrayEquals(Arrays.copyOf(status("Uid", 10), 3), ThreadCredentials.resuid());
        assertArrayEquals(Arrays.copyOf(status("Gid", 10), 3), ThreadCredentials.resgid());
        assertArrayEquals(status("Groups", 10), ThreadCredentials.groups());
        ThreadCredentials.Capabilities caps = ThreadCredentials.capabilities();
        assertEquals(status("CapEff", 16)[0], caps.effective());
        assertEquals(status("CapPrm", 16)[0], caps.permitted());
    }
}
