package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SmallFile;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    /** The text of the last read (every read is under this object's lock). */
    private final byte[] text = new byte[FDINFO_MAX];
    private boolean closed;

    /** Whether fd {@code fd} of thread {@code tid} is close-on-exec. */
    synchronized boolean isCloseOnExec(int tid, int fd) throws IOException {
        if (closed) {
            throw new IOException(path(tid, fd) + ": the session ended");
        }
        long key = ((long) tid << 32) | (fd & 0xffffffffL);
        Fd kept = files.get(key);
        if (kept != null) {
            try {
                // The path is only for messages: made when one is needed, not per call.
                return isCloseOnExec(text, SmallFile.reread(kept, text, "fdinfo"), tid, fd);
            } catch (SyscallException e) {
                files.evict(key);
            }
        }
        String path = path(tid, fd);
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
        return isCloseOnExec(text, SmallFile.reread(opened, text, path), tid, fd);
    }

    private static String path(int tid, int fd) {
        return "/proc/" + tid + "/fdinfo/" + fd;
    }

    /**
     * Whether the first {@code length} bytes of an fdinfo text carry O_CLOEXEC in their
     * {@code flags:} (octal); tid and fd only name it in an error.
     */
    static boolean isCloseOnExec(byte[] fdinfo, int length, int tid, int fd) throws IOException {
        int flags = flags(fdinfo, length);
        if (flags < 0) {
            throw new IOException(path(tid, fd) + " has no flags line");
        }
        return (flags & OpenFlags.O_CLOEXEC) != 0;
    }

    private static final byte[] FLAGS = "flags:".getBytes(StandardCharsets.US_ASCII);

    /**
     * The octal number after a line's {@code flags:} (tabs or spaces before it), or -1 when
     * no line starts so: scanned in place in the bytes read, so a connect's worth of
     * notifications makes no string.
     */
    private static int flags(byte[] fdinfo, int length) {
        int i = lineStartingWithFlags(fdinfo, length);
        if (i < 0) {
            return -1;
        }
        i += FLAGS.length;
        while (i < length && (fdinfo[i] == ' ' || fdinfo[i] == '\t')) {
            i++;
        }
        int value = 0;
        int digits = 0;
        for (; i < length && fdinfo[i] >= '0' && fdinfo[i] <= '7' && digits < 10; i++, digits++) {
            value = value * 8 + (fdinfo[i] - '0');
        }
        if (digits == 0 || (i < length && fdinfo[i] != '\n')) {
            return -1;
        }
        return value;
    }

    /** Where the first line that starts with {@code flags:} starts, or -1. */
    private static int lineStartingWithFlags(byte[] text, int length) {
        for (int line = 0; line + FLAGS.length <= length; ) {
            if (Arrays.equals(text, line, line + FLAGS.length, FLAGS, 0, FLAGS.length)) {
                return line;
            }
            int end = line;
            while (end < length && text[end] != '\n') {
                end++;
            }
            line = end + 1;
        }
        return -1;
    }

    @Override
    public synchronized void close() {
        closed = true;
        files.closeAll();
    }
}
