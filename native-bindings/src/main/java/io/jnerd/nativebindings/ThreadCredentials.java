package io.jnerd.nativebindings;

import java.lang.ref.Reference;

/**
 * The calling thread's own user and group ids, supplementary groups and capabilities, by
 * raw syscalls. The kernel keeps credentials per task (thread); glibc's setresuid,
 * setresgid and setgroups make every thread of the process follow (the setxid signal
 * broadcast, as POSIX asks), these do not: they change only the thread that calls them,
 * which is what a thread acting for another process for one call needs, and nothing else
 * of the JVM may see.
 *
 * <p>Rules the callers rely on (kernel/sys.c, security/commoncap.c cap_emulate_setxuid):
 * an unprivileged thread may set each id to its current real, effective or saved one, so
 * a saved uid of 0 lets it become 0 again; the filesystem uid and gid follow the
 * effective ones; the effective capabilities are dropped when the effective uid leaves 0
 * and set to the permitted ones when it returns, the permitted ones are dropped only when
 * none of real, effective and saved is 0.
 *
 * <p>The structs go in the thread's own scratch buffer: a thread that switches for every
 * call allocates nothing here.
 */
public final class ThreadCredentials {

    /** For setresuid/setresgid: leave this id as it is. */
    public static final long KEEP = -1;

    /** _LINUX_CAPABILITY_VERSION_3 (Linux 2.6.26): two 32-bit words per set. */
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    /** struct __user_cap_header_struct {u32 version; int pid;}. */
    private static final int CAP_HEADER_SIZE = 8;
    /** struct __user_cap_data_struct {u32 effective, permitted, inheritable;}, two of them. */
    private static final int CAP_DATA_SIZE = 12;

    /** A thread's effective and permitted capability sets, bit N for capability N. */
    public record Capabilities(long effective, long permitted) {}

    private ThreadCredentials() {}

    /** setresuid(real, effective, saved) for the calling thread only; {@link #KEEP} leaves one. */
    public static void setresuid(long real, long effective, long saved) throws SyscallException {
        Sys.check(Sys.call(SysNr.SETRESUID, real, effective, saved), "setresuid", real + " " + effective + " " + saved);
    }

    /** setresgid(real, effective, saved) for the calling thread only. */
    public static void setresgid(long real, long effective, long saved) throws SyscallException {
        Sys.check(Sys.call(SysNr.SETRESGID, real, effective, saved), "setresgid", real + " " + effective + " " + saved);
    }

    /** setgroups for the calling thread only (needs CAP_SETGID). */
    public static void setgroups(long[] groups) throws SyscallException {
        NativeBuffer b = Scratch.get(groups.length * Integer.BYTES);
        for (int i = 0; i < groups.length; i++) {
            b.buffer().putInt(i * Integer.BYTES, (int) groups[i]);
        }
        long r = Sys.call(SysNr.SETGROUPS, groups.length, b.address());
        Reference.reachabilityFence(b);
        Sys.check(r, "setgroups", groups.length + " groups");
    }

    /** The calling thread's supplementary groups. */
    public static long[] groups() throws SyscallException {
        while (true) {
            int count = (int) Sys.check(Sys.call(SysNr.GETGROUPS, 0, 0), "getgroups", null);
            NativeBuffer b = new NativeBuffer(count * Integer.BYTES);
            long r = Sys.call(SysNr.GETGROUPS, count, b.address());
            Reference.reachabilityFence(b);
            if (r == -Errno.EINVAL) {
                // Grown meanwhile (another thread of ours cannot: only by our own setgroups).
                continue;
            }
            Sys.check(r, "getgroups", null);
            long[] groups = new long[(int) r];
            for (int i = 0; i < groups.length; i++) {
                groups[i] = b.buffer().getInt(i * Integer.BYTES) & 0xffffffffL;
            }
            return groups;
        }
    }

    /** The calling thread's real, effective and saved uid. */
    public static long[] resuid() throws SyscallException {
        return ids(SysNr.GETRESUID, "getresuid");
    }

    /** The calling thread's real, effective and saved gid. */
    public static long[] resgid() throws SyscallException {
        return ids(SysNr.GETRESGID, "getresgid");
    }

    private static long[] ids(int nr, String name) throws SyscallException {
        NativeBuffer b = Scratch.get(3 * Integer.BYTES);
        long r = Sys.call(nr, b.address(0), b.address(4), b.address(8));
        Reference.reachabilityFence(b);
        Sys.check(r, name, null);
        return new long[] {
            b.buffer().getInt(0) & 0xffffffffL, b.buffer().getInt(4) & 0xffffffffL, b.buffer().getInt(8) & 0xffffffffL,
        };
    }

    /** capget(2) of the calling thread (pid 0). */
    public static Capabilities capabilities() throws SyscallException {
        NativeBuffer b = Scratch.zeroed(CAP_HEADER_SIZE + 2 * CAP_DATA_SIZE);
        b.buffer().putInt(0, CAPABILITY_VERSION_3);
        long r = Sys.call(SysNr.CAPGET, b.address(), b.address(CAP_HEADER_SIZE));
        Reference.reachabilityFence(b);
        Sys.check(r, "capget", null);
        return new Capabilities(word(b, 0), word(b, 4));
    }

    /** The low and high 32 bits of the set at {@code at} in each of the two data structs. */
    private static long word(NativeBuffer b, int at) {
        return (b.buffer().getInt(CAP_HEADER_SIZE + at) & 0xffffffffL)
                | (long) b.buffer().getInt(CAP_HEADER_SIZE + CAP_DATA_SIZE + at) << 32;
    }
}
