package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class SmallFileKernelTest {

    @Test
    void readsAProcEntryAndSaysWhatIsMissing() throws Exception {
        String status = SmallFile.read("/proc/self/status", 4096);
        assertTrue(status.contains("\nTgid:\t" + ProcessHandle.current().pid() + "\n"), status);
        SyscallException e = assertThrows(SyscallException.class, () -> SmallFile.read("/proc/self/fdinfo/99999", 256));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("/proc/self/fdinfo/99999"), e.getMessage());
    }

    @Test
    void aKeptFdinfoFileShowsTheFdAsItIsNowAndFailsOnceItIsClosed() throws Exception {
        Fd socket = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
        String path = "/proc/self/fdinfo/" + socket.get();
        try (Fd info = SmallFile.open(path)) {
            assertTrue(SmallFile.reread(info, 256, path).contains("flags:\t02000002"), "O_CLOEXEC|O_RDWR");
            Sockets.setFileStatusFlags(socket, OpenFlags.O_NONBLOCK);
            assertTrue(SmallFile.reread(info, 256, path).contains("flags:\t02004002"), "generated anew: O_NONBLOCK too");
            socket.close();
            SyscallException e = assertThrows(SyscallException.class, () -> SmallFile.reread(info, 256, path));
            assertEquals(Errno.ENOENT, e.errno());
        } finally {
            socket.close();
        }
    }
}
