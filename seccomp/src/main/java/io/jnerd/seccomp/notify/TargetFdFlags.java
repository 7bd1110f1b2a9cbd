package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SmallFile;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;

/**
 * Whether a target's fd is close-on-exec, which a handler must know to install a
 * replacement with ADDFD exactly as the fd was. FD_CLOEXEC belongs to the target's fd-table
 * entry, not to the open file, so a pidfd_getfd copy (always close-on-exec) cannot tell;
 * /proc/TID/fdinfo/N reports it as O_CLOEXEC in its {@code flags:} line, for any thread.
 *
 * <p>The fdinfo files stay open between notifications and are re-read: the kernel looks fd
 * N up again on every read, so a kept file always describes the fd now at N; once the
 * thread or its fd N is gone the read fails with ENOENT, and the file is opened anew (a new
 * process with a recycled tid gets a new file: the old one names the old task's pid).
 */
final class TargetFdFlags implements AutoCloseable {

    /** Entries kept: a busy container's sockets. */
    static final int CAPACITY = 256;
    /** A socket's fdinfo is four short lines (pos, flags, mnt_id, ino): flags is within the first read. */
    private static final int FDINFO_MAX = 256;

    private final ClosingCache<Long, Fd> files = new ClosingCache<>(CAPACITY);
    private boolean closed;

    /** Whether fd {@code fd} of thread {@code tid} is close-on-exec. */
    synchronized boolean isCloseOnExec(int tid, int fd) throws IOException {
        String path = "/proc/" + tid + "/fdinfo/" + fd;
        if (closed) {
            throw new IOException(path + ": the session ended");
        }
        long key = ((long) tid << 32) | (fd & 0xffffffffL);
        Fd kept = files.get(key);
        if (kept != null) {
            try {
                return isCloseOnExec(SmallFile.reread(kept, FDINFO_MAX, path), path);
            } catch (SyscallException e) {
                files.evict(key);
            }
        }
        Fd opened;
        try {
            opened = SmallFile.open(path);
        } catch (SyscallException e) {
            if (e.is(Errno.ENOENT)) {
                throw new IOException(path + ": no such thread or fd (it exited or closed it)", e);
            }
            throw e;
        }
        files.put(key, opened);
        return isCloseOnExec(SmallFile.reread(opened, FDINFO_MAX, path), path);
    }

    /** Whether an fdinfo text's {@code flags:} (octal) carry O_CLOEXEC. */
    static boolean isCloseOnExec(String fdinfo, String path) throws IOException {
        for (String line : fdinfo.split("\n")) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring(6).trim(), 8) & OpenFlags.O_CLOEXEC) != 0;
            }
        }
        throw new IOException(path + " has no flags line");
    }

    @Override
    public synchronized void close() {
        closed = true;
        files.closeAll();
    }
}
