package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.CompatAbi;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.NativeThread;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SeccompNotify;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One container's notification listener and the thread that serves it: poll, RECV, handler,
 * SEND, until the listener hangs up (no task uses the filter any more, Linux 5.8) or the
 * session is closed. Then it closes the listener, its wake-up eventfd and the pidfds and
 * fdinfo files it kept for its targets, and the thread ends.
 */
public final class Session implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Session.class.getName());
    private static final int NATIVE_AUDIT_ARCH = Arch.current().auditArch();

    /**
     * The answer to a notification whose handler threw, if it is still open. EIO, not
     * EPERM: the call was not refused by policy, the agent failed on it, and an errno that
     * says so keeps the two apart in the container's strace and in the logs. Never CONTINUE:
     * the handler may have replaced the fd already, and nothing checked the arguments.
     */
    static final int FAILED_ERRNO = Errno.EIO;

    /** A call on the listener fd, made only while the session is open. */
    interface ListenerCall<T> {
        T call(Fd listener) throws SyscallException;
    }

    private final Supervisor supervisor;
    private final ContainerState container;
    private final Fd listener;
    private final Fd wakeup;
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final TargetPidfds pidfds = new TargetPidfds();
    private final TargetFdFlags fdFlags = new TargetFdFlags();
    // Answers from handler threads take the read lock, so they run in parallel with each
    // other but never with the close that would free the listener's fd number for reuse.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicBoolean continueRefusalLogged = new AtomicBoolean();
    private boolean closed;

    Session(Supervisor supervisor, ContainerState container, Fd listener) throws SyscallException {
        this.supervisor = supervisor;
        this.container = container;
        this.listener = listener;
        this.wakeup = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        // The container's thread sleeps while we answer and we sleep while it runs: a
        // ping-pong, which same-CPU wake-ups make several times cheaper (Linux 6.6;
        // older kernels answer EINVAL and keep the ordinary wake-ups).
        SeccompNotify.setFlags(listener, SeccompNotify.USER_NOTIF_FD_SYNC_WAKE_UP);
        // ~35 syscalls per switched connect: scratch memory and errno capture in fields.
        this.thread = new NativeThread(this::serve, "seccomp-notify-" + container.containerId());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    public ContainerState container() {
        return container;
    }

    public boolean isOpen() {
        return ended.getCount() > 0;
    }

    /** Waits until the session has ended and freed everything; false on timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Asks the session to end; pending notifications are left to the kernel (their targets get ENOSYS). */
    @Override
    public void close() {
        try {
            withListener(l -> {
                EventFd.signal(wakeup, 1);
                return null;
            }, null);
        } catch (SyscallException e) {
            LOG.log(Level.WARNING, "seccomp session of container " + container.containerId()
                    + ": cannot wake its thread: " + e.getMessage());
        }
    }

    private void serve() {
        Fd[] fds = {listener, wakeup};
        int[] events = {Poll.POLLIN, Poll.POLLIN};
        int[] revents = new int[2];
        try {
            while (true) {
                Poll.poll(fds, events, revents, -1);
                if (revents[1] != 0) {
                    break;
                }
                if ((revents[0] & Poll.POLLIN) == 0) {
                    // POLLHUP: the last task using the filter is gone; nothing can come any more.
                    break;
                }
                // Before the RECV: a pidfd kept from before it names the notifier (TargetPidfds).
                long receiveNanos = System.nanoTime();
                SeccompNotify.Notification n = SeccompNotify.receive(listener);
                if (n == null) {
                    continue;
                }
                if (!continuedAtOnce(n)) {
                    dispatch(n, receiveNanos);
                }
                // null: ENOENT, the target was interrupted between poll and RECV. If the
                // filter is gone too, the next poll says POLLHUP; it never spins.
            }
        } catch (SyscallException | RuntimeException e) {
            LOG.log(Level.WARNING, "seccomp session of container " + container.containerId() + " ended: "
                    + e.getMessage());
        } finally {
            end();
        }
    }

    /**
     * A native call the handler declared it continues without looking
     * ({@link NotificationHandler#continueAtOnce()}): answered here, before a context is
     * made. On this thread the listener cannot be closed meanwhile (only this thread closes
     * it), so no lock either.
     */
    private boolean continuedAtOnce(SeccompNotify.Notification n) throws SyscallException {
        if (n.arch() != NATIVE_AUDIT_ARCH || !supervisor.immediate().has(n.nr())) {
            // Another ABI (x32 shares the audit arch, but its numbers carry a high bit that
            // no array index has), or a call the handler decides on.
            return false;
        }
        long received = System.nanoTime();
        Counters counters = supervisor.counters();
        counters.receivedNative(n.nr());
        boolean delivered = SeccompNotify.respondContinue(listener, n.id());
        counters.answered(NotificationContext.Answer.CONTINUE, delivered, System.nanoTime() - received);
        return true;
    }

    private void dispatch(SeccompNotify.Notification n, long receiveNanos) {
        long received = System.nanoTime();
        NotificationContext ctx = new NotificationContext(this, n, receiveNanos, received);
        if (ctx.isCompat()) {
            supervisor.counters().received(ctx.syscallName());
        } else {
            supervisor.counters().receivedNative(n.nr());
        }
        try {
            supervisor.handler().handle(ctx);
        } catch (Exception | LinkageError e) {
            supervisor.counters().handlerFailed();
            LOG.log(Level.WARNING, "seccomp handler failed on " + ctx + ": " + describe(e) + "; answering "
                    + Errno.describe(FAILED_ERRNO));
            answer(ctx, FAILED_ERRNO);
            return;
        }
        if (!ctx.isDeferred()) {
            answer(ctx, 0);
        }
    }

    /** The default answer: CONTINUE ({@code errno} 0), or an errno. */
    private static void answer(NotificationContext ctx, int errno) {
        try {
            if (errno == 0) {
                ctx.respondContinue();
            } else {
                ctx.respondError(errno);
            }
        } catch (SyscallException e) {
            LOG.log(Level.WARNING, "seccomp default answer to " + ctx + " failed: " + e.getMessage());
        }
    }

    private static String describe(Throwable e) {
        String errno = e instanceof SyscallException
                ? "errno " + Errno.describe(((SyscallException) e).errno())
                : "no errno";
        return errno + ", " + e;
    }

    /**
     * The listener, when the caller is the session's own thread (which gives most answers):
     * it may use it without {@link #withListener}, so an answer there makes no lambda and
     * takes no lock. Null on any other thread.
     */
    Fd listenerIfOwnThread() {
        return Thread.currentThread() == thread ? listener : null;
    }

    /** Runs {@code call} on the listener unless the session has ended; then returns {@code ifClosed}. */
    <T> T withListener(ListenerCall<T> call, T ifClosed) throws SyscallException {
        if (Thread.currentThread() == thread) {
            // The session's own thread is the only one that closes the listener, and it
            // does so after its last call: no lock needed (most answers are given here).
            return call.call(listener);
        }
        lock.readLock().lock();
        try {
            return closed ? ifClosed : call.call(listener);
        } finally {
            lock.readLock().unlock();
        }
    }

    TargetPidfds.Copy copyFd(int tid, int targetFd, long receiveNanos) throws IOException {
        return pidfds.copyFd(tid, targetFd, receiveNanos);
    }

    boolean isCloseOnExec(int tid, int targetFd) throws IOException {
        return fdFlags.isCloseOnExec(tid, targetFd);
    }

    boolean refusesContinue(CompatAbi compat, int nr) {
        return supervisor.continueGuard().refuses(compat, nr);
    }

    /** A CONTINUE the handler must not give was turned into EPERM: counted, logged once per container. */
    void continueRefused(NotificationContext ctx) {
        supervisor.counters().continueRefused();
        if (continueRefusalLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "seccomp handler answered CONTINUE to " + ctx + ", a call it declared it never "
                    + "continues: answered EPERM instead (logged once per container, counted in continueRefused)");
        }
    }

    void answered(NotificationContext.Answer kind, boolean delivered, long nanos) {
        supervisor.counters().answered(kind, delivered, nanos);
    }

    private void end() {
        lock.writeLock().lock();
        try {
            closed = true;
            listener.close();
            wakeup.close();
        } finally {
            lock.writeLock().unlock();
        }
        pidfds.close();
        fdFlags.close();
        supervisor.ended(this);
        ended.countDown();
        LOG.log(Level.DEBUG, () -> "seccomp session of container " + container.containerId() + " ended; "
                + supervisor.stats());
    }
}
