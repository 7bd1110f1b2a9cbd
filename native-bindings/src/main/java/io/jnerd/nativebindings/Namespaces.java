package io.jnerd.nativebindings;

import java.lang.ref.Reference;

/**
 * unshare(2) and setns(2), for helper processes only.
 *
 * <p>The jnerd JVM itself must not call these. They act on the calling thread alone, while
 * the JVM runs code on threads it made earlier and makes new ones from whichever thread it
 * likes, so work would land in the wrong namespace; CLONE_NEWUSER fails with EINVAL in any
 * multi-threaded process, and setns into a mount namespace fails while the thread shares
 * its fs_struct. Run the namespaced work in a child process (unshare(1), nsenter(1), or a
 * small main class started for that) and pass fds back over {@link ScmRights}.
 */
public final class Namespaces {

    public static final int CLONE_NEWTIME = 0x00000080;
    public static final int CLONE_FS = 0x00000200;
    public static final int CLONE_FILES = 0x00000400;
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_SYSVSEM = 0x00040000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    private Namespaces() {}

    /** unshare(2) of the CLONE_* {@code flags}; see the class comment for who may call it. */
    public static void unshare(int flags) throws SyscallException {
        Sys.check(Sys.call(SysNr.UNSHARE, flags), "unshare", "flags 0x" + Integer.toHexString(flags));
    }

    /**
     * setns(2) into the namespace {@code nsFd} refers to; {@code nsType} is its CLONE_NEW*
     * type, or 0 to accept any. See the class comment for who may call it.
     */
    public static void setns(Fd nsFd, int nsType) throws SyscallException {
        Sys.check(Sys.call(SysNr.SETNS, nsFd.get(), nsType), "setns", nsFd + " type 0x" + Integer.toHexString(nsType));
    }

    /** Opens {@code /proc/PID/ns/KIND} (KIND: net, mnt, user, ...), close-on-exec. */
    public static Fd open(long pid, String kind) throws SyscallException {
        String path = "/proc/" + pid + "/ns/" + kind;
        NativeBuffer name = NativeBuffer.cString(path);
        long r = Sys.call(SysNr.OPENAT, MountApi.AT_FDCWD, name.address(), OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC);
        Reference.reachabilityFence(name);
        return Fd.adopt((int) Sys.check(r, "openat", path));
    }
}
