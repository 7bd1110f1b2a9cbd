package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void fdinfoFlagsAreOctalAndCarryCloseOnExec() throws IOException {
        int flags = ProcFs.parseFdinfoFlags("pos:\t0\nflags:\t02004002\nmnt_id:\t9\nino:\t123\n", 1, 3);
        assertTrue((flags & ProcFs.O_CLOEXEC) != 0);
        assertEquals(0x800, flags & 0x800, "O_NONBLOCK (04000) is there too");
        assertFalse((ProcFs.parseFdinfoFlags("flags:\t02\n", 1, 3) & ProcFs.O_CLOEXEC) != 0);
        IOException e = assertThrows(IOException.class, () -> ProcFs.parseFdinfoFlags("pos:\t0\n", 7, 3));
        assertTrue(e.getMessage().contains("/proc/7/fdinfo/3"), e.getMessage());
    }

    @Test
    void readsThisProcess() throws IOException {
        int pid = (int) ProcessHandle.current().pid();
        // fd 0 (stdin) of a JVM is never close-on-exec.
        assertFalse(ProcFs.isCloseOnExec(pid, 0));
        IOException e = assertThrows(IOException.class, () -> ProcFs.isCloseOnExec(pid, 99999));
        assertTrue(e.getMessage().contains("fdinfo/99999"), e.getMessage());
    }
}
