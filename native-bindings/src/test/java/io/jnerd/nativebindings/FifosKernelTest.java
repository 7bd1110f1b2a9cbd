package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class FifosKernelTest {

    @Test
    void makesAFifoWithTheModeAndSaysWhatExists(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("stdout");
        Fifos.make(fifo.toString(), 0600);
        int mode = (Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0010000, mode & 0170000, "S_IFIFO");
        assertEquals(0600, mode & 0777);
        SyscallException e = assertThrows(SyscallException.class, () -> Fifos.make(fifo.toString(), 0600));
        assertEquals(Errno.EEXIST, e.errno());
        assertTrue(e.getMessage().contains("mknodat") && e.getMessage().contains(fifo.toString()), e.getMessage());
    }
}
