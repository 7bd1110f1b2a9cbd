package io.jnerd.nativebindings;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;

/**
 * openat2(2) (Linux 5.6): open with the path walk confined, so a path another process
 * names (a container's) is resolved in that process's tree and not the caller's. Values
 * from include/uapi/linux/openat2.h; struct open_how is {u64 flags, u64 mode, u64 resolve}.
 */
public final class Openat2 {

    /** No magic links (/proc/PID/fd/N, /proc/PID/root, ...) anywhere in the walk. */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /** No symbolic links at all. */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** The walk must stay below the directory fd: "..", absolute symlinks and the like that leave it fail with EXDEV. */
    public static final long RESOLVE_BENEATH = 0x08;
    /** The directory fd is the root: "/" and ".." at it (absolute symlinks too) stay in it, as after chroot(2). */
    public static final long RESOLVE_IN_ROOT = 0x10;

    private static final int OPEN_HOW_SIZE = 24;

    private Openat2() {}

    /**
     * openat2(dir, path, {flags, 0, resolve}); retried on EINTR. The path is bytes, as a
     * process gave them (not necessarily UTF-8), without a NUL.
     */
    public static Fd open(Fd dir, byte[] path, int flags, long resolve) throws SyscallException {
        return open(dir.get(), dir.toString(), path, flags, resolve);
    }

    /** An O_PATH, close-on-exec fd of {@code path} as this process sees it (/proc/PID/root, say). */
    public static Fd openPath(String path) throws SyscallException {
        return open(MountApi.AT_FDCWD, "the current directory", path.getBytes(StandardCharsets.UTF_8),
                OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0);
    }

    private static Fd open(int dir, String dirName, byte[] path, int flags, long resolve) throws SyscallException {
        NativeBuffer b = new NativeBuffer(OPEN_HOW_SIZE + path.length + 1).clear();
        b.buffer().putLong(0, flags & 0xffffffffL);
        b.buffer().putLong(16, resolve);
        b.buffer().put(OPEN_HOW_SIZE, path);
        long r;
        do {
            r = Sys.call(SysNr.OPENAT2, dir, b.address(OPEN_HOW_SIZE), b.address(), OPEN_HOW_SIZE);
        } while (Sys.interrupted(r));
        Reference.reachabilityFence(b);
        if (r < 0) {
            throw new SyscallException("openat2", (int) -r, "'" + new String(path, StandardCharsets.UTF_8) + "' under "
                    + dirName);
        }
        return Fd.adopt((int) r);
    }
}
