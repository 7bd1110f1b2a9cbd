package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finishes blocking connects without blocking anyone: the agent starts every connect
 * non-blocking, and when the container's socket is blocking this one thread waits, with
 * ppoll, for all such connects at once and completes each when the kernel reports it done
 * (POLLOUT, then SO_ERROR). A connect to an unreachable host therefore holds up neither
 * the container's other notifications nor other containers, and the number of threads
 * stays one however many connects are pending.
 *
 * <p>While a connect waits, its notification is checked now and then with
 * {@code stillWanted} (NOTIF_ID_VALID): a target that was killed or interrupted by a
 * signal no longer waits, and its connect is abandoned.
 */
public final class ConnectWaiter implements AutoCloseable {

    /** What to do when a wait ends. Runs on the waiter thread: must not block. */
    public interface Completion {
        /** The connect finished: 0, or its errno (EINPROGRESS when the send timeout passed first). */
        void completed(int errno);

        /** Nobody waits for the result any more (the notification went away, or the waiter closed). */
        void abandoned();
    }

    private static final Logger LOG = Logger.getLogger(ConnectWaiter.class.getName());
    /** How often pending notifications are checked for still being wanted. */
    static final long VALIDITY_CHECK_NANOS = 200_000_000L;
    /** ppoll takes one array; past this many pending connects new ones fail with ENOBUFS. */
    static final int MAX_PENDING = 4096;

    private static final class Pending {
        final Fd socket;
        final long deadline;
        final BooleanSupplier stillWanted;
        final Completion completion;

        Pending(Fd socket, long deadline, BooleanSupplier stillWanted, Completion completion) {
            this.socket = socket;
            this.deadline = deadline;
            this.stillWanted = stillWanted;
            this.completion = completion;
        }
    }

    private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
    private final List<Pending> pending = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private final Fd wakeUp;
    private final Thread thread;
    private volatile boolean closed;

    public ConnectWaiter(String name) throws SyscallException {
        this.wakeUp = EventFd.create(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Waits for the connect on {@code socket} (which stays the caller's) to finish, then
     * calls {@code completion}.
     *
     * @param timeoutNanos the socket's send timeout, after which a blocking connect returns
     *                     EINPROGRESS (socket(7), SO_SNDTIMEO); 0 for none
     * @return false when the waiter is full or closed: the caller answers itself
     */
    public boolean await(Fd socket, long timeoutNanos, BooleanSupplier stillWanted, Completion completion) {
        if (closed || count.incrementAndGet() > MAX_PENDING) {
            count.decrementAndGet();
            return false;
        }
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : Long.MAX_VALUE;
        Pending p = new Pending(socket, deadline, stillWanted, completion);
        incoming.add(p);
        if (closed && incoming.remove(p)) {
            // The thread may have drained for the last time already.
            count.decrementAndGet();
            return false;
        }
        wake();
        return true;
    }

    /** Connects waiting now. */
    public int pendingCount() {
        return count.get();
    }

    private void run() {
        long nextCheck = System.nanoTime() + VALIDITY_CHECK_NANOS;
        while (!closed) {
            for (Pending p; (p = incoming.poll()) != null; ) {
                pending.add(p);
            }
            Fd[] fds = new Fd[pending.size() + 1];
            int[] events = new int[fds.length];
            int[] revents = new int[fds.length];
            fds[0] = wakeUp;
            events[0] = Poll.POLLIN;
            long wakeAt = nextCheck;
            for (int i = 0; i < pending.size(); i++) {
                fds[i + 1] = pending.get(i).socket;
                events[i + 1] = Poll.POLLOUT;
                wakeAt = Math.min(wakeAt, pending.get(i).deadline);
            }
            try {
                Poll.poll(fds, events, revents, Math.max(0, (wakeAt - System.nanoTime()) / 1_000_000L) + 1);
                if (revents[0] != 0) {
                    EventFd.drain(wakeUp);
                }
            } catch (SyscallException e) {
                LOG.log(Level.WARNING, "connect waiter: " + e.getMessage() + "; abandoning " + pending.size() + " connects", e);
                abandonAll();
                continue;
            }
            long now = System.nanoTime();
            boolean check = now >= nextCheck;
            if (check) {
                nextCheck = now + VALIDITY_CHECK_NANOS;
            }
            // Walk with the poll arrays' indexes: entry i of pending is fds[i + 1].
            Iterator<Pending> it = pending.iterator();
            for (int i = 1; it.hasNext(); i++) {
                Pending p = it.next();
                if (revents[i] != 0) {
                    it.remove();
                    finish(p, soError(p.socket));
                } else if (now >= p.deadline) {
                    it.remove();
                    finish(p, Errno.EINPROGRESS);
                } else if (check && !p.stillWanted.getAsBoolean()) {
                    it.remove();
                    finish(p, -1);
                }
            }
        }
        abandonAll();
    }

    /** Runs the completion ({@code errno} -1: abandoned); one failing completion stops nothing. */
    private void finish(Pending p, int errno) {
        count.decrementAndGet();
        try {
            if (errno < 0) {
                p.completion.abandoned();
            } else {
                p.completion.completed(errno);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "connect completion failed: " + e, e);
        }
    }

    private static int soError(Fd socket) {
        try {
            return Sockets.getIntOption(socket, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
        } catch (SyscallException e) {
            return e.errno();
        }
    }

    private void abandonAll() {
        for (Pending p; (p = incoming.poll()) != null; ) {
            pending.add(p);
        }
        for (Pending p : pending) {
            finish(p, -1);
        }
        pending.clear();
    }

    private void wake() {
        try {
            EventFd.signal(wakeUp, 1);
        } catch (SyscallException e) {
            throw new IllegalStateException("connect waiter wake-up: " + e.getMessage(), e);
        }
    }

    /** Stops the thread; every connect still waiting is abandoned. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wakeUp.close();
    }
}
