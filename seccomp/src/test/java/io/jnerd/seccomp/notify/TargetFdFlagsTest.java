package io.jnerd.seccomp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class TargetFdFlagsTest {

    private static final int PID = (int) ProcessHandle.current().pid();

    @Test
    void fdinfoFlagsAreOctalAndCarryCloseOnExec() throws IOException {
        assertTrue(isCloseOnExec("pos:\t0\nflags:\t02004002\nmnt_id:\t9\nino:\t123\n", 7, 3));
        assertFalse(isCloseOnExec("pos:\t0\nflags:\t04002\n", 7, 3), "O_NONBLOCK alone");
        IOException e = assertThrows(IOException.class, () -> isCloseOnExec("pos:\t0\n", 7, 3));
        assertTrue(e.getMessage().contains("/proc/7/fdinfo/3"), e.getMessage());
        assertTrue(isCloseOnExec("flags:\t02000000\n", 7, 3), "flags on the first line");
        assertThrows(IOException.class, () -> isCloseOnExec("pos:\t0\nflags:\t02x\n", 7, 3), "garbage");
        assertThrows(IOException.class, () -> isCloseOnExec("pos:\t0\nxflags:\t02000000\n", 7, 3),
                "a line that only contains flags:");
    }

    /** The text as a pread gives it: bytes, with room to spare after them. */
    private static boolean isCloseOnExec(String fdinfo, int tid, int fd) throws IOException {
        byte[] bytes = java.util.Arrays.copyOf(fdinfo.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 256);
        return TargetFdFlags.isCloseOnExec(bytes, fdinfo.length(), tid, fd);
    }

    @Tag("kernel")
    @Test
    void aKeptFileFollowsTheFdNowAtItsNumberAndIsClosedWithTheCache() throws IOException {
        long before = OpenFds.count(OpenFds.FDINFO);
        try (TargetFdFlags flags = new TargetFdFlags()) {
            // fd 0 of a JVM is never close-on-exec.
            assertFalse(flags.isCloseOnExec(PID, 0));
            // A number far above the lowest free one, which another thread of this JVM may
            // take the moment the socket is closed (seen once under load: then no error).
            int number = unusedHighFd();
            try (Fd low = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                    Fd s = Sockets.dup3(low, number, OpenFlags.O_CLOEXEC)) {
                assertTrue(flags.isCloseOnExec(PID, number));
                Sockets.setFdFlags(s, 0);
                assertFalse(flags.isCloseOnExec(PID, number), "re-read, not remembered");
            }
            IOException gone = assertThrows(IOException.class, () -> flags.isCloseOnExec(PID, number));
            assertTrue(gone.getMessage().contains("fdinfo/" + number), gone.getMessage());
            assertThrows(IOException.class, () -> flags.isCloseOnExec(PID, 99999));
        }
        assertEquals(before, OpenFds.count(OpenFds.FDINFO), OpenFds.describe());
    }

    private static int unusedHighFd() {
        for (int fd = 900; fd < 1000; fd++) {
            if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return fd;
            }
        }
        throw new IllegalStateException("fds 900-999 all open");
    }

    @Tag("kernel")
    @Test
    void keepsNoMoreFilesThanItsCapacity() throws IOException {
        List<Fd> sockets = new ArrayList<>();
        try (TargetFdFlags flags = new TargetFdFlags()) {
            for (int i = 0; i < TargetFdFlags.CAPACITY + 40; i++) {
                sockets.add(Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0));
            }
            long kept = OpenFds.count(OpenFds.FDINFO);
            for (Fd s : sockets) {
                assertTrue(flags.isCloseOnExec(PID, s.get()));
            }
            assertEquals(kept + TargetFdFlags.CAPACITY, OpenFds.count(OpenFds.FDINFO), "the eldest files were closed");
        } finally {
            sockets.forEach(Fd::close);
        }
    }
}
