package io.jnerd.nativebindings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Child JVM of {@link SeccompNotifyKernelTest}: installs, on its main thread only, a filter
 * that sends getppid to a listener, passes the listener to the parent over the unix socket
 * {@code args[0]}, then calls getppid three times and prints what each call returned. Last
 * it stacks a second filter, given as struct sock_filter bytes, that fails getppid with
 * ENETDOWN: RET_ERRNO takes precedence over RET_USER_NOTIF, so the fourth call never
 * reaches the parent.
 */
public final class NotifyChild {

    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int RET_K = 0x06;
    // struct seccomp_data: nr at 0, arch at 4.
    private static final long[] GETPPID_TO_LISTENER = {
        Seccomp.instruction(LD_W_ABS, 0, 0, 4),
        Seccomp.instruction(JEQ_K, 0, 3, Arch.current().auditArch()),
        Seccomp.instruction(LD_W_ABS, 0, 0, 0),
        Seccomp.instruction(JEQ_K, 0, 1, SysNr.GETPPID),
        Seccomp.instruction(RET_K, 0, 0, Seccomp.RET_USER_NOTIF),
        Seccomp.instruction(RET_K, 0, 0, Seccomp.RET_ALLOW),
    };

    private NotifyChild() {}

    public static void main(String[] args) throws Exception {
        Prctl.setNoNewPrivs();
        try (Fd listener = Seccomp.installWithListener(GETPPID_TO_LISTENER, 0);
                Fd socket = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(socket, SockAddr.unix(args[0]));
            ScmRights.send(socket, new byte[] {'L'}, List.of(listener));
        }
        long first = Sys.call(SysNr.GETPPID, 0);
        long second = Sys.call(SysNr.GETPPID, 0);
        long third = Sys.call(SysNr.GETPPID, 0);
        String read = "";
        if (third >= 0) {
            try (Fd injected = Fd.adopt((int) third)) {
                byte[] buf = new byte[64];
                int n = Sockets.read(injected, buf, 0, buf.length);
                read = new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8);
            }
        }
        Seccomp.install(asBytes(getppidFailsWith(Errno.ENETDOWN)), 0);
        long fourth = Sys.call(SysNr.GETPPID, 0);
        System.out.println("first=" + first + " second=" + second + " third=" + third + " read=" + read
                + " fourth=" + fourth);
    }

    private static long[] getppidFailsWith(int errno) {
        long[] program = GETPPID_TO_LISTENER.clone();
        program[4] = Seccomp.instruction(RET_K, 0, 0, Seccomp.RET_ERRNO | errno);
        return program;
    }

    private static byte[] asBytes(long[] program) {
        ByteBuffer b = ByteBuffer.allocate(program.length * Seccomp.INSTRUCTION_SIZE).order(ByteOrder.nativeOrder());
        for (long insn : program) {
            b.putShort((short) (insn >>> 48)).put((byte) (insn >>> 40)).put((byte) (insn >>> 32)).putInt((int) insn);
        }
        return b.array();
    }
}
