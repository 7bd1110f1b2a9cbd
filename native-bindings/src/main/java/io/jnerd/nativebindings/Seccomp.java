package io.jnerd.nativebindings;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * seccomp(2): install a classic-BPF filter, ask which return actions the kernel knows and
 * how large the user-notification structs are (linux/seccomp.h).
 *
 * <p>Installing a filter needs no_new_privs ({@link Prctl#setNoNewPrivs()}) or
 * CAP_SYS_ADMIN, else EACCES. Without {@link #FILTER_FLAG_TSYNC} it applies to the calling
 * thread only, and to the children that thread forks later.
 */
public final class Seccomp {

    static final int SET_MODE_FILTER = 1;
    static final int GET_ACTION_AVAIL = 2;
    static final int GET_NOTIF_SIZES = 3;

    /** Apply to every thread of the process (Linux 3.17). */
    public static final int FILTER_FLAG_TSYNC = 1;
    /** Log every action but RET_ALLOW (Linux 4.14). */
    public static final int FILTER_FLAG_LOG = 2;
    /** Return a user-notification listener fd (Linux 5.0). */
    public static final int FILTER_FLAG_NEW_LISTENER = 8;
    /**
     * With TSYNC, fail with ESRCH instead of returning a thread id when a thread cannot be
     * synchronised (Linux 5.7); needed to combine TSYNC with NEW_LISTENER.
     */
    public static final int FILTER_FLAG_TSYNC_ESRCH = 16;

    // Filter return actions, highest precedence first.
    public static final int RET_KILL_PROCESS = 0x80000000;
    public static final int RET_KILL_THREAD = 0x00000000;
    public static final int RET_TRAP = 0x00030000;
    public static final int RET_ERRNO = 0x00050000;
    public static final int RET_USER_NOTIF = 0x7fc00000;
    public static final int RET_TRACE = 0x7ff00000;
    public static final int RET_LOG = 0x7ffc0000;
    public static final int RET_ALLOW = 0x7fff0000;
    /** SECCOMP_RET_DATA: the low 16 bits carry the errno or the tracer's message. */
    public static final int RET_DATA = 0x0000ffff;

    /** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    public static final int INSTRUCTION_SIZE = 8;
    /** struct sock_fprog on 64-bit: u16 len, 6 bytes padding, pointer to the instructions. */
    static final int SOCK_FPROG_SIZE = 16;
    /** BPF_MAXINSNS: the kernel refuses longer programs with EINVAL. */
    public static final int MAX_INSTRUCTIONS = 4096;

    /** The sizes the running kernel uses for the notification structs (Linux 5.0). */
    public record NotifSizes(int notif, int resp, int data) {}

    private Seccomp() {}

    /**
     * One BPF instruction packed into a long as {@link #install(long[], int)} takes it:
     * {@code code << 48 | jt << 40 | jf << 32 | k}.
     */
    public static long instruction(int code, int jt, int jf, int k) {
        return ((long) (code & 0xffff) << 48) | ((long) (jt & 0xff) << 40)
                | ((long) (jf & 0xff) << 32) | (k & 0xffffffffL);
    }

    /**
     * Installs a filter given as packed instructions (see {@link #instruction}). With
     * {@link #FILTER_FLAG_NEW_LISTENER} use {@link #installWithListener} instead.
     */
    public static void install(long[] program, int flags) throws SyscallException {
        if ((flags & FILTER_FLAG_NEW_LISTENER) != 0) {
            throw new IllegalArgumentException("FILTER_FLAG_NEW_LISTENER returns a listener fd: use installWithListener");
        }
        long r = setModeFilter(program, flags);
        if ((flags & FILTER_FLAG_TSYNC) != 0 && (flags & FILTER_FLAG_TSYNC_ESRCH) == 0 && r > 0) {
            // Without TSYNC_ESRCH a positive result is the thread that could not sync.
            throw new SyscallException("seccomp(SET_MODE_FILTER, TSYNC)", Errno.ESRCH, "thread " + r);
        }
    }

    /** Installs a filter given as struct sock_filter entries in native byte order. */
    public static void install(byte[] program, int flags) throws SyscallException {
        install(unpack(program), flags);
    }

    /**
     * Installs a filter with {@link #FILTER_FLAG_NEW_LISTENER} (added to {@code flags}) and
     * returns the listener for {@link SeccompNotify}. The filter's RET_USER_NOTIF actions
     * wait for that listener's answers.
     */
    public static Fd installWithListener(long[] program, int flags) throws SyscallException {
        return Fd.adopt((int) setModeFilter(program, flags | FILTER_FLAG_NEW_LISTENER));
    }

    /** {@link #installWithListener(long[], int)} for native-order struct sock_filter bytes. */
    public static Fd installWithListener(byte[] program, int flags) throws SyscallException {
        return installWithListener(unpack(program), flags);
    }

    /**
     * Whether the kernel knows a return action (SECCOMP_GET_ACTION_AVAIL, Linux 4.14):
     * false on EOPNOTSUPP; a kernel without the operation itself throws EINVAL.
     */
    public static boolean actionAvailable(int action) throws SyscallException {
        NativeBuffer b = new NativeBuffer(Integer.BYTES);
        b.buffer().putInt(0, action);
        long r = Sys.call(SysNr.SECCOMP, GET_ACTION_AVAIL, 0, b.address());
        Reference.reachabilityFence(b);
        if (r == -Errno.EOPNOTSUPP) {
            return false;
        }
        Sys.check(r, "seccomp(GET_ACTION_AVAIL)", String.format("action 0x%08x", action));
        return true;
    }

    /** SECCOMP_GET_NOTIF_SIZES (Linux 5.0): struct seccomp_notif_sizes, three u16. */
    public static NotifSizes notifSizes() throws SyscallException {
        NativeBuffer b = new NativeBuffer(3 * Short.BYTES).clear();
        long r = Sys.call(SysNr.SECCOMP, GET_NOTIF_SIZES, 0, b.address());
        Reference.reachabilityFence(b);
        Sys.check(r, "seccomp(GET_NOTIF_SIZES)", null);
        return new NotifSizes(Short.toUnsignedInt(b.buffer().getShort(0)),
                Short.toUnsignedInt(b.buffer().getShort(2)), Short.toUnsignedInt(b.buffer().getShort(4)));
    }

    private static long setModeFilter(long[] program, int flags) throws SyscallException {
        if (program.length == 0 || program.length > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("seccomp filter has " + program.length
                    + " instructions; the kernel takes 1 to " + MAX_INSTRUCTIONS);
        }
        NativeBuffer filter = new NativeBuffer(program.length * INSTRUCTION_SIZE);
        NativeBuffer fprog = new NativeBuffer(SOCK_FPROG_SIZE);
        writeProgram(program, filter, fprog);
        long r = Sys.call(SysNr.SECCOMP, SET_MODE_FILTER, flags, fprog.address());
        Reference.reachabilityFence(filter);
        Reference.reachabilityFence(fprog);
        return Sys.check(r, "seccomp(SET_MODE_FILTER)", "flags 0x" + Integer.toHexString(flags)
                + ", " + program.length + " instructions");
    }

    /** Lays out the instructions and the struct sock_fprog pointing at them. */
    static void writeProgram(long[] program, NativeBuffer filter, NativeBuffer fprog) {
        for (int i = 0; i < program.length; i++) {
            long insn = program[i];
            int at = i * INSTRUCTION_SIZE;
            filter.buffer().putShort(at, (short) (insn >>> 48));
            filter.buffer().put(at + 2, (byte) (insn >>> 40));
            filter.buffer().put(at + 3, (byte) (insn >>> 32));
            filter.buffer().putInt(at + 4, (int) insn);
        }
        fprog.clear();
        fprog.buffer().putShort(0, (short) program.length);
        fprog.buffer().putLong(8, filter.address());
    }

    private static long[] unpack(byte[] program) {
        if (program.length % INSTRUCTION_SIZE != 0) {
            throw new IllegalArgumentException("seccomp filter of " + program.length
                    + " bytes is not a whole number of 8-byte instructions");
        }
        ByteBuffer in = ByteBuffer.wrap(program).order(ByteOrder.nativeOrder());
        long[] out = new long[program.length / INSTRUCTION_SIZE];
        for (int i = 0; i < out.length; i++) {
            int at = i * INSTRUCTION_SIZE;
            out[i] = instruction(Short.toUnsignedInt(in.getShort(at)), Byte.toUnsignedInt(in.get(at + 2)),
                    Byte.toUnsignedInt(in.get(at + 3)), in.getInt(at + 4));
        }
        return out;
    }
}
