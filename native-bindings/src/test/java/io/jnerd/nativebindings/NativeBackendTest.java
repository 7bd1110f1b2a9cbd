package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.spi.SyscallBackend;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeBackendTest {

    @Test
    void everyAvailableBackendCallsTheKernelAndCapturesErrno() {
        List<SyscallBackend> backends = Native.available();
        if (Runtime.version().feature() >= 22) {
            assertEquals("ffm", backends.get(0).name(), "FFM must load from the multi-release jar on JDK 22+");
        }
        for (SyscallBackend b : backends) {
            assertEquals(ProcessHandle.current().pid(), b.syscall(SysNr.GETPID, 0, 0, 0, 0, 0, 0), b.name());
            assertEquals(-Errno.EBADF, b.syscall(SysNr.CLOSE, -1, 0, 0, 0, 0, 0), b.name());
        }
    }

    @Test
    void everyBackendCallsTheKernelWithTheStateItMadeForAThread() {
        for (SyscallBackend b : Native.available()) {
            Object state = b.newThreadState();
            assertEquals(ProcessHandle.current().pid(), b.syscall(state, SysNr.GETPID, 0, 0, 0, 0, 0, 0), b.name());
            assertEquals(-Errno.EBADF, b.syscall(state, SysNr.CLOSE, -1, 0, 0, 0, 0, 0), b.name());
        }
    }

    /**
     * A NativeThread's calls go through its fields (backend state, scratch buffer): errno
     * still reaches the caller, and the scratch grows past its first 4 KiB.
     */
    @Test
    void aNativeThreadsCallsCaptureErrnoAndGrowItsScratch() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new NativeThread(() -> {
            try {
                assertEquals(-Errno.EBADF, Sys.call(SysNr.CLOSE, -1), "errno through the thread's own state");
                Fd[] pair = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                try (Fd a = pair[0]; Fd c = pair[1]) {
                    byte[] out = new byte[20_000];
                    out[19_999] = 42;
                    assertEquals(out.length, Sockets.write(a, out, 0, out.length));
                    byte[] in = new byte[out.length];
                    int n = 0;
                    while (n < in.length) {
                        n += Sockets.read(c, in, n, in.length - n);
                    }
                    assertEquals(42, in[19_999], "20,000 bytes through a scratch that started at 4 KiB");
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "native-thread-test");
        t.start();
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    @Test
    void addressIsThatOfElementZeroWhateverThePosition() {
        for (SyscallBackend b : Native.available()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(16);
            long base = b.addressOf(buf);
            buf.position(8);
            assertEquals(base, b.addressOf(buf), b.name());
            assertTrue(base != 0, b.name());
        }
    }

    /** The kernel tier runs once per backend (pom.xml): check each run really uses its own. */
    @Test
    @org.junit.jupiter.api.Tag("kernel")
    void theForcedOrDefaultBackendIsInUse() {
        String forced = System.getProperty(Native.PROPERTY, "");
        String expected = !forced.isEmpty() ? forced : Runtime.version().feature() >= 22 ? "ffm" : "jnr";
        assertEquals(expected, Native.backend().name(), Native.reason());
    }

    @Test
    void forcingAnUnknownBackendNamesIt() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> Native.choose("vulkan"));
        assertTrue(e.getMessage().contains("vulkan"), e.getMessage());
    }
}
