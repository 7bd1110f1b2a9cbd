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
 * opened anew. A pidfd opened for the group of a non-leader thread (older kernels) is not
 * kept: a dead thread's id can be reused in another process while its group still lives.
 *
 * <p>Whether the copy then needs NOTIF_ID_VALID ({@link Copy#needsCheck}): a copy through a
 * pidfd kept since before the notification was received needs none. That pidfd's task held
 * id T from before the RECV until the copy succeeded (pidfd_getfd finds the task only while
 * it holds its id), so the task that notified as T, pending at the RECV, is that task, and
 * the memory read by pid T in between was its memory. A pidfd opened for this notification
 * proves nothing of the kind (the notifier may have died and T gone to another process
 * before the open): that copy, and one through a group pidfd, is checked by the caller.
 *
 * <p>Thread-safe: the copy is made under the lock, so no other thread can close a pidfd
 * (eviction, {@link #close}) while it is in use.
 */
final class TargetPidfds implements AutoCloseable {

    /** Enough for the processes of a busy container; the eldest is closed beyond it. */
    static final int CAPACITY = 64;

    /** Whether the kernel knows PIDFD_THREAD; cleared on its first EINVAL (and by tests of the older path). */
    static volatile boolean threadPidfds = true;

    private final ClosingCache<Integer, Kept> byTid = new ClosingCache<>(CAPACITY);
    private boolean closed;

    /** A kept pidfd and when it was ready ({@link System#nanoTime()} after pidfd_open returned). */
    private record Kept(Pidfd pidfd, long openedNanos) implements AutoCloseable {
        @Override
        public void close() {
            pidfd.close();
        }
    }

    /**
     * A copy of a target's fd (the caller closes it) and whether the caller must still check
     * the notification with NOTIF_ID_VALID before trusting it or memory it read.
     */
    record Copy(Fd fd, boolean needsCheck) {}

    /**
     * A copy of fd {@code targetFd} of thread {@code tid}'s process.
     *
     * @param receiveNanos {@link System#nanoTime()} taken before the RECV that brought the
     *                     notification was issued
     */
    synchronized Copy copyFd(int tid, int targetFd, long receiveNanos) throws IOException {
        if (closed) {
            throw new SyscallException("pidfd_getfd", Errno.ENOENT, "tid " + tid + " (session ended)");
        }
        Kept cached = byTid.get(tid);
        if (cached != null) {
            try {
                return new Copy(cached.pidfd().getFd(targetFd), cached.openedNanos() - receiveNanos >= 0);
            } catch (SyscallException e) {
                if (!e.is(Errno.ESRCH)) {
                    throw e;
                }
                byTid.evict(tid);
            }
        }
        Pidfd exact = openExact(tid);
        if (exact != null) {
            byTid.put(tid, new Kept(exact, System.nanoTime()));
            return new Copy(exact.getFd(targetFd), true);
        }
        try (Pidfd group = Pidfd.open(threadGroupOf(tid))) {
            return new Copy(group.getFd(targetFd), true);
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
