package io.jnerd.nativebindings;

import java.nio.ByteBuffer;

/**
 * The seccomp user-notification ioctls on a listener fd (Linux 5.0; ADDFD 5.9, ADDFD_FLAG_SEND
 * 5.14). A supervisor receives a {@link Notification}, checks it is still valid after reading
 * the target's memory, and answers it exactly once.
 *
 * <p>ENOENT is part of normal life and is a value here, not an exception: the target was
 * killed or interrupted by a signal and its notification is gone. On current kernels
 * (seen on 6.18) RECV also returns ENOENT at once when no task uses the filter any more;
 * since Linux 5.8 poll(2) on the listener reports POLLHUP then, which is how a supervisor
 * tells "target gone" from "filter gone".
 *
 * <p>The hot calls use per-thread scratch memory sized once from SECCOMP_GET_NOTIF_SIZES,
 * so receiving and answering allocate no native memory.
 */
public final class SeccompNotify {

    /** Answer CONTINUE: the kernel runs the syscall as the target asked (Linux 5.5). */
    public static final int FLAG_CONTINUE = 1;
    /** ADDFD: put the fd at {@code newFd} in the target, replacing what is there (dup2-like). */
    public static final int ADDFD_FLAG_SETFD = 1;
    /** ADDFD: also answer the notification with the new fd number as the syscall's result (5.14). */
    public static final int ADDFD_FLAG_SEND = 2;
    /**
     * Listener flag (NOTIF_SET_FLAGS, Linux 6.6): the target's wake-up of the supervisor and
     * the answer's wake-up of the target happen on the waker's CPU (WF_CURRENT_CPU), so a
     * notification round trip needs no cross-CPU wake-up (an IPI, a VM exit in a guest).
     */
    public static final long USER_NOTIF_FD_SYNC_WAKE_UP = 1;

    // The structs as linux/seccomp.h declares them; the ioctl numbers encode these sizes.
    static final int NOTIF_SIZE = 80;
    static final int RESP_SIZE = 24;
    static final int ADDFD_SIZE = 24;

    // asm-generic/ioctl.h, used by x86_64 and aarch64: dir(2) << 30 | size(14) << 16 |
    // type(8) << 8 | nr(8), with _IOC_WRITE = 1 and _IOC_READ = 2. SECCOMP_IOC_MAGIC is '!'.
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;
    private static final int SECCOMP_IOC_MAGIC = '!';

    static final long IOCTL_NOTIF_RECV = ioc(IOC_READ | IOC_WRITE, 0, NOTIF_SIZE);
    static final long IOCTL_NOTIF_SEND = ioc(IOC_READ | IOC_WRITE, 1, RESP_SIZE);
    // Linux 5.0 declared ID_VALID as _IOR by mistake; later headers say _IOW, and the kernel
    // still accepts the old number too.
    static final long IOCTL_NOTIF_ID_VALID = ioc(IOC_WRITE, 2, Long.BYTES);
    static final long IOCTL_NOTIF_ADDFD = ioc(IOC_WRITE, 3, ADDFD_SIZE);
    static final long IOCTL_NOTIF_SET_FLAGS = ioc(IOC_WRITE, 4, Long.BYTES);

    static long ioc(int dir, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | (SECCOMP_IOC_MAGIC << 8) | nr;
    }

    /**
     * The kernel's struct sizes (never less than the header's), asked once; a kernel that
     * cannot tell them has no user notification, and each call says so.
     */
    private static volatile Seccomp.NotifSizes sizes;

    private static Seccomp.NotifSizes sizes() throws SyscallException {
        Seccomp.NotifSizes s = sizes;
        if (s == null) {
            Seccomp.NotifSizes k = Seccomp.notifSizes();
            s = new Seccomp.NotifSizes(Math.max(k.notif(), NOTIF_SIZE), Math.max(k.resp(), RESP_SIZE), k.data());
            sizes = s;
        }
        return s;
    }

    /** One intercepted syscall: struct seccomp_notif with its struct seccomp_data. */
    public static final class Notification {
        private final long id;
        private final int pid;
        private final int flags;
        private final int nr;
        private final int arch;
        private final long instructionPointer;
        private final long[] args;

        Notification(long id, int pid, int flags, int nr, int arch, long instructionPointer, long[] args) {
            this.id = id;
            this.pid = pid;
            this.flags = flags;
            this.nr = nr;
            this.arch = arch;
            this.instructionPointer = instructionPointer;
            this.args = args;
        }

        /**
         * Decodes struct seccomp_notif at {@code at}: u64 id, u32 pid, u32 flags, then
         * seccomp_data: s32 nr, u32 arch, u64 instruction_pointer, u64 args[6].
         */
        static Notification decode(ByteBuffer b, int at) {
            long[] args = new long[6];
            for (int i = 0; i < args.length; i++) {
                args[i] = b.getLong(at + 32 + i * Long.BYTES);
            }
            return new Notification(b.getLong(at), b.getInt(at + 8), b.getInt(at + 12),
                    b.getInt(at + 16), b.getInt(at + 20), b.getLong(at + 24), args);
        }

        /** The cookie every answer names. */
        public long id() {
            return id;
        }

        /** The target thread's id, in the listener's pid namespace (0 if not visible there). */
        public int pid() {
            return pid;
        }

        public int flags() {
            return flags;
        }

        /** The syscall number, in the numbering of {@link #arch()}. */
        public int nr() {
            return nr;
        }

        /** AUDIT_ARCH_* of the target's syscall (see {@link Arch#auditArch()}). */
        public int arch() {
            return arch;
        }

        public long instructionPointer() {
            return instructionPointer;
        }

        /** Syscall argument {@code i} (0 to 5), raw: pointers are addresses in the target. */
        public long arg(int i) {
            return args[i];
        }

        @Override
        public String toString() {
            return "notification " + Long.toUnsignedString(id) + " pid " + pid + " syscall " + nr;
        }
    }

    private SeccompNotify() {}

    /**
     * Sets listener flags ({@link #USER_NOTIF_FD_SYNC_WAKE_UP}). The kernel takes them by
     * value, not through a pointer as the _IOW encoding suggests.
     *
     * @return false on EINVAL: a kernel older than 6.6, or a flag it does not know
     */
    public static boolean setFlags(Fd listener, long flags) throws SyscallException {
        long r;
        do {
            r = Sys.call(SysNr.IOCTL, listener.get(), IOCTL_NOTIF_SET_FLAGS, flags);
        } while (Sys.interrupted(r));
        if (r == -Errno.EINVAL) {
            return false;
        }
        Sys.check(r, "ioctl(SECCOMP_IOCTL_NOTIF_SET_FLAGS)", listener);
        return true;
    }

    /**
     * Waits for the next notification (blocking; retried on EINTR).
     *
     * @return the notification, or {@code null} on ENOENT (it went away before we read it,
     *         or no task uses the filter any more: see the class comment)
     */
    public static Notification receive(Fd listener) throws SyscallException {
        int size = sizes().notif();
        long r;
        NativeBuffer b;
        do {
            // The kernel refuses a buffer that is not zeroed (EINVAL, Linux 5.5).
            b = Scratch.zeroed(size);
            r = Sys.call(SysNr.IOCTL, listener.get(), IOCTL_NOTIF_RECV, b.address());
        } while (Sys.interrupted(r));
        if (r == -Errno.ENOENT) {
            return null;
        }
        Sys.check(r, "ioctl(SECCOMP_IOCTL_NOTIF_RECV)", listener);
        return Notification.decode(b.buffer(), 0);
    }

    /**
     * Answers a notification: the target's syscall returns {@code value}, or fails with
     * {@code errno} when that is not 0.
     *
     * @return false on ENOENT: the target is gone or was interrupted, nobody waits for this answer
     * @throws SyscallException EINPROGRESS for a notification not received yet or already
     *         answered (until its target wakes up; ENOENT after that)
     */
    public static boolean respond(Fd listener, long id, long value, int errno) throws SyscallException {
        if (errno < 0) {
            throw new IllegalArgumentException("errno must be positive (or 0 for success), was " + errno);
        }
        return send(listener, id, value, -errno, 0);
    }

    /** Answers with an errno: the target's syscall fails with it. */
    public static boolean respondError(Fd listener, long id, int errno) throws SyscallException {
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive, was " + errno);
        }
        return send(listener, id, 0, -errno, 0);
    }

    /**
     * Lets the kernel run the syscall as asked (Linux 5.5). Only safe where the answer
     * does not depend on memory the target can change after we looked (TOCTOU).
     */
    public static boolean respondContinue(Fd listener, long id) throws SyscallException {
        return send(listener, id, 0, 0, FLAG_CONTINUE);
    }

    private static boolean send(Fd listener, long id, long value, int negativeErrno, int flags) throws SyscallException {
        int size = sizes().resp();
        long r;
        do {
            NativeBuffer b = Scratch.zeroed(size);
            ByteBuffer resp = b.buffer();
            resp.putLong(0, id);
            resp.putLong(8, value);
            resp.putInt(16, negativeErrno);
            resp.putInt(20, flags);
            r = Sys.call(SysNr.IOCTL, listener.get(), IOCTL_NOTIF_SEND, b.address());
        } while (Sys.interrupted(r));
        if (r == -Errno.ENOENT) {
            return false;
        }
        Sys.check(r, "ioctl(SECCOMP_IOCTL_NOTIF_SEND)", listener);
        return true;
    }

    /**
     * Whether the notification is still pending (NOTIF_ID_VALID). Call it after reading
     * the target's memory: if the target died, its pid may already name another process.
     */
    public static boolean isValid(Fd listener, long id) throws SyscallException {
        long r;
        do {
            NativeBuffer b = Scratch.get(Long.BYTES);
            b.buffer().putLong(0, id);
            r = Sys.call(SysNr.IOCTL, listener.get(), IOCTL_NOTIF_ID_VALID, b.address());
        } while (Sys.interrupted(r));
        if (r == -Errno.ENOENT) {
            return false;
        }
        Sys.check(r, "ioctl(SECCOMP_IOCTL_NOTIF_ID_VALID)", listener);
        return true;
    }

    /**
     * Installs a copy of {@code source} in the target (NOTIF_ADDFD, Linux 5.9). {@code source}
     * stays ours: the caller still closes it.
     *
     * @param flags       0, {@link #ADDFD_FLAG_SETFD} and/or {@link #ADDFD_FLAG_SEND}
     * @param targetFd    the fd number to use in the target with SETFD, else ignored (pass 0)
     * @param closeOnExec whether the new fd gets O_CLOEXEC in the target
     * @return the fd number in the target; with SEND this also answered the notification
     */
    public static int addFd(Fd listener, long id, Fd source, int flags, int targetFd, boolean closeOnExec)
            throws SyscallException {
        if ((flags & ~(ADDFD_FLAG_SETFD | ADDFD_FLAG_SEND)) != 0) {
            throw new IllegalArgumentException("unknown ADDFD flags 0x" + Integer.toHexString(flags));
        }
        if ((flags & ADDFD_FLAG_SETFD) == 0 && targetFd != 0) {
            throw new IllegalArgumentException("targetFd " + targetFd + " given without ADDFD_FLAG_SETFD");
        }
        long r;
        do {
            NativeBuffer b = Scratch.zeroed(ADDFD_SIZE);
            ByteBuffer addfd = b.buffer();
            addfd.putLong(0, id);
            addfd.putInt(8, flags);
            addfd.putInt(12, source.get());
            addfd.putInt(16, targetFd);
            addfd.putInt(20, closeOnExec ? OpenFlags.O_CLOEXEC : 0);
            r = Sys.call(SysNr.IOCTL, listener.get(), IOCTL_NOTIF_ADDFD, b.address());
        } while (Sys.interrupted(r));
        if (r < 0) {
            throw new SyscallException("ioctl(SECCOMP_IOCTL_NOTIF_ADDFD)", (int) -r,
                    listener + ", " + source + " as target fd " + targetFd);
        }
        return (int) r;
    }
}
