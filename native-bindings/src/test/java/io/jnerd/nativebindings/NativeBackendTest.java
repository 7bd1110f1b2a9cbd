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
