package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("privileged")
class ThreadCredentialsPrivilegedTest {

    @Test
    void aSwitchChangesOnlyTheCallingThread() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root: only root can switch to another user");
        long[][] seen = new long[4][];
        List<String> failure = new java.util.ArrayList<>();
        Thread t = new Thread(() -> {
            try {
                ThreadCredentials.setgroups(new long[] {100});
                ThreadCredentials.setresgid(ThreadCredentials.KEEP, 33, ThreadCredentials.KEEP);
                ThreadCredentials.setresuid(ThreadCredentials.KEEP, 33, 0);
                seen[0] = ThreadCredentials.resuid();
                seen[1] = new long[] {ThreadCredentials.capabilities().effective()};
                ThreadCredentials.setresuid(0, 0, 0);
                seen[2] = new long[] {ThreadCredentials.capabilities().effective()};
                seen[3] = ThreadCredentials.resgid();
            } catch (SyscallException e) {
                failure.add(e.getMessage());
            }
        });
        t.start();
        t.join();
        assertEquals(List.of(), failure);
        assertArrayEquals(new long[] {0, 33, 0}, seen[0]);
        assertEquals(0, seen[1][0], "effective uid 33: no effective capabilities");
        assertEquals(permitted(), seen[2][0], "effective uid 0 again: all permitted ones effective");
        assertArrayEquals(new long[] {0, 33, 0}, seen[3]);
        // This thread was never touched.
        assertArrayEquals(new long[] {0, 0, 0}, ThreadCredentials.resuid());
        assertArrayEquals(new long[] {0, 0, 0}, ThreadCredentials.resgid());
    }

    private static long permitted() throws Exception {
        return Long.parseUnsignedLong(Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.US_ASCII)
                .stream().filter(l -> l.startsWith("CapPrm:")).findFirst().orElseThrow().substring(7).strip(), 16);
    }
}
