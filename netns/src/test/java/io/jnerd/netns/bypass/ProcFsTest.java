package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void parsesTheThreadGroupFromStatus() throws IOException {
        assertEquals(4242, ProcFs.parseTgid("Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\nPid:\t4250\n", 4250));
        IOException e = assertThrows(IOException.class, () -> ProcFs.parseTgid("Name:\tx\n", 7));
        assertTrue(e.getMessage().contains("/proc/7/status"), e.getMessage());
    }

    @Test
    void fdinfoFlagsAreOctalAndCarryCloseOnExec() throws IOException {
        int flags = ProcFs.parseFdinfoFlags("pos:\t0\nflags:\t02004002\nmnt_id:\t9\nino:\t123\n", 1, 3);
        assertTrue((flags & ProcFs.O_CLOEXEC) != 0);
        assertEquals(0x800, flags & 0x800, "O_NONBLOCK (04000) is there too");
        assertFalse((ProcFs.parseFdinfoFlags("flags:\t02\n", 1, 3) & ProcFs.O_CLOEXEC) != 0);
    }

    @Test
    void readsThisProcess() throws IOException {
        int pid = (int) ProcessHandle.current().pid();
        assertEquals(pid, ProcFs.tgidOf(pid));
    }
}
