package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.nativebindings.ThreadCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The switching thread of {@link AsTarget} against the real kernel: it acts as the target, and comes back whole. */
@Tag("privileged")
class AsTargetPrivilegedTest {

    /** A thread of uid and gid 33 with groups 33 and 100, no capabilities. */
    private static final TargetCredentials WWW_DATA = credentials(33, 33, "33 100");

    @BeforeEach
    void needsRoot() {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root: only root can switch to another user");
    }

    @Test
    void aThousandCallsRunAsTheTargetAndTheThreadComesBackToRootWithAllItsCapabilities() throws Exception {
        assertTrue(AsTarget.switchesFor(WWW_DATA), "root with CAP_SETUID and CAP_SETGID switches");
        for (int i = 0; i < 1000; i++) {
            long[][] seen = AsTarget.call(WWW_DATA, () -> new long[][] {
                ThreadCredentials.resuid(), ThreadCredentials.resgid(), ThreadCredentials.groups(),
                {ThreadCredentials.capabilities().effective()},
            });
            assertArrayEquals(new long[] {0, 33, 0}, seen[0], "uids while switched: real and saved stay 0");
            assertArrayEquals(new long[] {33, 33, 0}, seen[1], "gids while switched");
            assertArrayEquals(new long[] {33, 100}, seen[2], "groups while switched");
            assertEquals(0, seen[3][0], "no effective capabilities while switched");
        }
        Map<String, String> status = switchingThreadStatus();
        Map<String, String> mine = status(Path.of("/proc/thread-self/status"));
        assertEquals("0\t0\t0\t0", status.get("Uid"));
        assertEquals(mine.get("Gid"), status.get("Gid"));
        assertEquals(mine.get("Groups"), status.get("Groups"));
        assertEquals(mine.get("CapEff"), status.get("CapEff"), "effective capabilities back from the permitted set");
        assertEquals(mine.get("CapPrm"), status.get("CapPrm"));
    }

    @Test
    void aFailingCallIsReportedAndTheThreadStillComesBack() throws Exception {
        SyscallException e = assertThrows(SyscallException.class, () -> AsTarget.call(WWW_DATA, () -> {
            throw new SyscallException("connect", Errno.EACCES, "test");
        }));
        assertEquals(Errno.EACCES, e.errno());
        assertEquals("0\t0\t0\t0", switchingThreadStatus().get("Uid"));
        long[] after = AsTarget.call(WWW_DATA, ThreadCredentials::resuid);
        assertArrayEquals(new long[] {0, 33, 0}, after, "it goes on serving");
    }

    @Test
    void aRootTargetIsServedByTheCallingThreadWithTheAgentsIds() throws Exception {
        TargetCredentials root = credentials(0, 0, "");
        assertEquals(Thread.currentThread(), AsTarget.call(root, Thread::currentThread));
    }

    @Test
    void aSwitchTheKernelRefusesRunsNoCall() throws Exception {
        // More groups than NGROUPS_MAX (65536): setgroups says EINVAL; the call must not run
        // with the agent's ids instead.
        TargetCredentials invalid = credentials(33, 33, java.util.stream.IntStream.range(0, 65537)
                .mapToObj(Integer::toString).collect(Collectors.joining(" ")));
        boolean[] ran = new boolean[1];
        assertThrows(SyscallException.class, () -> AsTarget.call(invalid, () -> ran[0] = true));
        assertTrue(!ran[0], "ran with the agent's ids");
        assertEquals("0\t0\t0\t0", switchingThreadStatus().get("Uid"));
    }

    @Test
    void aThreadThatCannotSwitchBackRunsNoMoreCallsAndTheyAreAnsweredEio() throws Exception {
        // In a JVM of its own: the switching thread stays broken for good.
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-D" + io.jnerd.nativebindings.Native.PROPERTY + "="
                        + System.getProperty(io.jnerd.nativebindings.Native.PROPERTY, ""),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                AsTargetBrokenChild.class.getName());
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), output);
        assertTrue(output.contains("did not get the agent's ids back"), "logged: " + output);
        assertTrue(output.strip().endsWith("errno EIO ran=false"), output);
    }

    private static TargetCredentials credentials(long uid, long gid, String groups) {
        try {
            return TargetCredentials.parse(List.of("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid,
                    "Gid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid, "Groups:\t" + groups,
                    "CapEff:\t0000000000000000"), "test");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** /proc/self/task/TID/status of the thread named {@link AsTarget#THREAD_NAME}, read from outside it. */
    private static Map<String, String> switchingThreadStatus() throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).strip().equals(AsTarget.THREAD_NAME)) {
                    return status(task.resolve("status"));
                }
            }
        }
        throw new AssertionError("no thread named " + AsTarget.THREAD_NAME);
    }

    private static Map<String, String> status(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.US_ASCII).stream().filter(l -> l.indexOf(':') > 0)
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).strip()));
    }
}
