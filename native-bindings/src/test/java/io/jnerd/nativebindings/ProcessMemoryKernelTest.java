package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("kernel")
class ProcessMemoryKernelTest {

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void readsAndWritesAChildsBufferBothWays() throws Exception {
        Process child = ChildJvm.start(MemoryChild.class);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            long address = Long.parseUnsignedLong(out.readLine(), 16);
            long pid = child.pid();

            byte[] expected = new byte[MemoryChild.SIZE];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = MemoryChild.pattern(i);
            }
            byte[] head = new byte[64];
            ProcessMemory.readFully(pid, address, head, 0, head.length);
            assertArrayEquals(java.util.Arrays.copyOf(expected, 64), head);

            assertEquals(MemoryChild.CSTRING, ProcessMemory.readCString(pid, address + MemoryChild.CSTRING_AT, 256));
            assertEquals(SockAddr.decode(MemoryChild.sockaddr(), 16),
                    ProcessMemory.readSockAddr(pid, address + MemoryChild.SOCKADDR_AT, 16));

            ByteBuffer viaProc = ByteBuffer.allocate(64);
            assertEquals(64, ProcessMemory.viaProcMem(pid, address, viaProc, false));
            assertArrayEquals(head, viaProc.array(), "/proc/PID/mem reads the same bytes");

            // Page 0 is never mapped: a short read, and readFully names the address.
            assertEquals(0, ProcessMemory.read(pid, 16, new byte[8], 0, 8));
            SyscallException e = assertThrows(SyscallException.class,
                    () -> ProcessMemory.readFully(pid, 16, new byte[8], 0, 8));
            assertEquals(Errno.EFAULT, e.errno());

            assertEquals(3, ProcessMemory.write(pid, address + 100, "XYZ".getBytes(StandardCharsets.UTF_8), 0, 3));
            OutputStream in = child.getOutputStream();
            in.write('\n');
            in.flush();
            assertEquals("XYZ", out.readLine());
            assertEquals("", ChildJvm.finish(child));
        } finally {
            child.destroyForcibly();
        }
    }
}
