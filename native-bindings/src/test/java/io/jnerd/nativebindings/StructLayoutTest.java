package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kernel struct layouts and ioctl numbers, checked against the values in the uapi headers. */
class StructLayoutTest {

    @Test
    void seccompIoctlNumbersMatchTheKernelHeaders() {
        // As printed by a C program including linux/seccomp.h on x86_64 and aarch64.
        assertEquals(0xc0502100L, SeccompNotify.IOCTL_NOTIF_RECV);
        assertEquals(0xc0182101L, SeccompNotify.IOCTL_NOTIF_SEND);
        assertEquals(0x40082102L, SeccompNotify.IOCTL_NOTIF_ID_VALID);
        assertEquals(0x40182103L, SeccompNotify.IOCTL_NOTIF_ADDFD);
        assertEquals(0x40082104L, SeccompNotify.IOCTL_NOTIF_SET_FLAGS);
    }

    @Test
    void seccompNotifDecodesFromAHandBuiltStruct() {
        ByteBuffer b = ByteBuffer.allocate(8 + SeccompNotify.NOTIF_SIZE).order(ByteOrder.nativeOrder());
        int at = 8;
        b.putLong(at, 0x8000_0000_0000_0001L);
        b.putInt(at + 8, 4242);
        b.putInt(at + 12, 0);
        b.putInt(at + 16, 42);
        b.putInt(at + 20, Arch.X86_64.auditArch());
        b.putLong(at + 24, 0x7f00_1234L);
        for (int i = 0; i < 6; i++) {
            b.putLong(at + 32 + 8 * i, 100 + i);
        }
        SeccompNotify.Notification n = SeccompNotify.Notification.decode(b, at);
        assertEquals(0x8000_0000_0000_0001L, n.id());
        assertEquals(4242, n.pid());
        assertEquals(42, n.nr());
        assertEquals(0xC000003E, n.arch());
        assertEquals(0x7f00_1234L, n.instructionPointer());
        assertEquals(100, n.arg(0));
        assertEquals(105, n.arg(5));
        assertTrue(n.toString().contains("pid 4242"), n.toString());
    }

    @Test
    void sockFprogPointsAtPackedInstructions() {
        long[] program = {Seccomp.instruction(0x20, 0, 0, 4), Seccomp.instruction(0x15, 1, 2, 0xC000003E),
                Seccomp.instruction(0x06, 0, 0, Seccomp.RET_ALLOW)};
        NativeBuffer filter = new NativeBuffer(program.length * Seccomp.INSTRUCTION_SIZE);
        NativeBuffer fprog = new NativeBuffer(Seccomp.SOCK_FPROG_SIZE);
        Seccomp.writeProgram(program, filter, fprog);
        assertEquals(3, fprog.buffer().getShort(0));
        assertEquals(filter.address(), fprog.buffer().getLong(8));
        ByteBuffer f = filter.buffer();
        assertEquals(0x15, f.getShort(8));
        assertEquals(1, f.get(10));
        assertEquals(2, f.get(11));
        assertEquals(0xC000003E, f.getInt(12));
        assertEquals(Seccomp.RET_ALLOW, f.getInt(20));
    }

    @Test
    void filterSizeLimitsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seccomp.install(new long[0], 0));
        assertTrue(e.getMessage().contains("0 instructions"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Seccomp.install(new byte[12], 0));
        assertTrue(e.getMessage().contains("12 bytes"), e.getMessage());
    }

    @Test
    void scmRightsControlMessagesAreWalkedAtCmsgAlignment() {
        assertEquals(24, ScmRights.cmsgSpace(4));
        assertEquals(24, ScmRights.cmsgSpace(8));
        assertEquals(32, ScmRights.cmsgSpace(12));
        ByteBuffer m = ByteBuffer.allocate(ScmRights.CONTROL_AT + 64).order(ByteOrder.nativeOrder());
        int at = ScmRights.CONTROL_AT;
        // An SCM_CREDENTIALS message (type 2) first, then SCM_RIGHTS with three fds.
        m.putLong(at, 16 + 12).putInt(at + 8, Sockets.SOL_SOCKET).putInt(at + 12, 2);
        int rights = at + 32;
        m.putLong(rights, 16 + 12).putInt(rights + 8, Sockets.SOL_SOCKET).putInt(rights + 12, ScmRights.SCM_RIGHTS);
        m.putInt(rights + 16, 1000).putInt(rights + 20, 1001).putInt(rights + 24, 1002);
        List<Fd> fds = ScmRights.receivedFds(m, 32 + 32);
        assertArrayEquals(new int[] {1000, 1001, 1002}, fds.stream().mapToInt(Fd::release).toArray());
    }

    @Test
    void errnoNamesAndExceptionMessages() {
        assertEquals("ENOENT", Errno.name(Errno.ENOENT));
        assertEquals("EINPROGRESS (115)", Errno.describe(115));
        assertEquals("errno 999", Errno.describe(999));
        SyscallException e = new SyscallException("pidfd_getfd", Errno.EPERM, "pid 7 fd 3");
        assertEquals("pidfd_getfd pid 7 fd 3: EPERM (1)", e.getMessage());
        assertTrue(e.is(Errno.EPERM));
    }
}
