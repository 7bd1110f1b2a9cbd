package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Pidfd;
import io.jnerd.nativebindings.SmallFile;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;

/**
 * The pidfds through which one session copies its targets' fds, kept from one notification
 * to the next: a container's busy thread notifies again and again, and opening a pidfd
 * each time costs a pidfd_open and a close per notification.
 *
 * <p>Only a pidfd that names exactly the notifying thread is kept: one opened with
 * PIDFD_THREAD (Linux 6.9), or one for a thread-group leader. While the process (or thread)
 * it names lives, the kernel gives its id to nobody else, so a live cached pidfd for tid T
 * names whoever is T now. Once it is gone, pidfd_getfd fails with ESRCH and the entry is
 * opened anew. The caller checks NOTIF_ID_VALID after the copy, which proves T was the
 * target all along. A pidfd opened for the group of a non-leader thread (older kernels) is
 * not kept: a dead thread's id can be reused in another process while its group still lives.
 *
 * <p>Thread-safe: the copy is made under the lock, so no other thread can close a pidfd
 * (eviction, {@link #close}) while it is in use.
 */
final class TargetPidfds implements AutoCloseable {

    /** Enough for the processes of a busy container; the eldest is closed beyond it. */
    static final int CAPACITY = 64;

    /** Whether the kernel knows PIDFD_THREAD; cleared on its first EINVAL (and by tests of the older path). */
    static volatile boolean threadPidfds = true;

    private final ClosingCache<Integer, Pidfd> byTid = new ClosingCache<>(CAPACITY);
    private boolean closed;

    /** A copy of fd {@code targetFd} of thread {@code tid}'s process; the caller closes it. */
    synchronized Fd copyFd(int tid, int targetFd) throws IOException {
        if (closed) {
            throw new SyscallException("pidfd_getfd", Errno.ENOENT, "tid " + tid + " (session ended)");
        }
        Pidfd cached = byTid.get(tid);
        if (cached != null) {
            try {
                return cached.getFd(targetFd);
            } catch (SyscallException e) {
                if (!e.is(Errno.ESRCH)) {
                    throw e;
                }
                byTid.evict(tid);
            }
        }
        Pidfd exact = openExact(tid);
        if (exact != null) {
            byTid.put(tid, exact);
            return exact.getFd(targetFd);
        }
        try (Pidfd group = Pidfd.open(threadGroupOf(tid))) {
            return group.getFd(targetFd);
        }
    }

    /** A pidfd naming thread {@code tid} itself, or null when this kernel has none for it. */
    private static Pidfd openExact(int tid) throws SyscallException {
        if (threadPidfds) {
            try {
                return Pidfd.open(tid, Pidfd.PIDFD_THREAD);
            } catch (SyscallException e) {
                if (!e.is(Errno.EINVAL)) {
                    throw e;
                }
                threadPidfds = false;
            }
        }
        try {
            return Pidfd.open(tid);
        } catch (SyscallException e) {
            // A thread that does not lead its group: EINVAL before Linux 6.9, ENOENT since.
            if (e.is(Errno.EINVAL) || e.is(Errno.ENOENT)) {
                return null;
            }
            throw e;
        }
    }

    private static long threadGroupOf(int tid) throws IOException {
        String status = SmallFile.read("/proc/" + tid + "/status", 4096);
        int at = status.indexOf("\nTgid:");
        if (at < 0) {
            throw new IOException("/proc/" + tid + "/status has no Tgid line");
        }
        int end = status.indexOf('\n', at + 1);
        return Long.parseLong(status.substring(at + 6, end < 0 ? status.length() : end).trim());
    }

    /** Closes every pidfd kept; later copies fail with ENOENT. */
    @Override
    public synchronized void close() {
        closed = true;
        byTid.closeAll();
    }
}
