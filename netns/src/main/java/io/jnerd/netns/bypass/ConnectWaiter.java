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
 * stays one however many connects are pending. Each container waits through its own
 * {@link #forContainer} view of the one thread, with its own limit.
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
    /**
     * Connects one container may have waiting; past it its new ones fail with ENOBUFS. Each
     * waiting connect is a socket the agent holds open, so this bounds what one container
     * makes the daemon hold, and, counted per container, one that parks connects by the
     * thousand (to a host that never answers) leaves the others their own.
     */
    static final int MAX_PENDING = 4096;

    private static final class Pending {
        final Fd socket;
        final long deadline;
        final BooleanSupplier stillWanted;
        final Completion completion;
        final AtomicInteger count;

        Pending(Fd socket, long deadline, BooleanSupplier stillWanted, Completion completion, AtomicInteger count) {
            this.socket = socket;
            this.deadline = deadline;
            this.stillWanted = stillWanted;
            this.completion = completion;
            this.count = count;
        }
    }

    /** The one thread and what it polls, shared by a daemon's containers. */
    private static final class Loop {
        final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
        final List<Pending> pending = new ArrayList<>();
        final Fd wakeUp;
        Thread thread;
        volatile boolean closed;

        Loop() throws SyscallException {
            this.wakeUp = EventFd.create(0, EventFd.EFD_NONBLOCK | EventFd.EFD_CLOEXEC);
        }
    }

    private final Loop loop;
    /** Whether this waiter owns the loop (and stops it on close) or shares another's. */
    private final boolean owner;
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean closed;

    public ConnectWaiter(String name) throws SyscallException {
        this.loop = new Loop();
        this.owner = true;
        loop.thread = new Thread(this::run, name);
        loop.thread.setDaemon(true);
        loop.thread.start();
    }

    private ConnectWaiter(Loop loop) {
        this.loop = loop;
        this.owner = false;
    }

    /**
     * A waiter for one container: the same thread, its own {@link #MAX_PENDING}. Closing it
     * refuses its further connects and leaves the others'.
     */
    public ConnectWaiter forContainer() {
        return new ConnectWaiter(loop);
    }

    /**
     * Waits for the connect on {@code socket} (which stays the caller's) to finish, then
     * calls {@code completion}.
     *
     * @param timeoutNanos the socket's send timeout, after which a blocking connect returns
     *                     EINPROGRESS (socket(7), SO_SNDTIMEO); 0 for none
     * @return false when this waiter is full or closed: the caller answers itself
     */
    public boolean await(Fd socket, long timeoutNanos, BooleanSupplier stillWanted, Completion completion) {
        if (closed || loop.closed || count.incrementAndGet() > MAX_PENDING) {
            count.decrementAndGet();
            return false;
        }
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : Long.MAX_VALUE;
        Pending p = new Pending(socket, deadline, stillWanted, completion, count);
        loop.incoming.add(p);
        if (loop.closed && loop.incoming.remove(p)) {
            // The thread may have drained for the last time already.
            count.decrementAndGet();
            return false;
        }
        wake();
        return true;
    }

    /** Connects of this waiter waiting now. */
    public int pendingCount() {
        return count.get();
    }

    private void run() {
        long nextCheck = System.nanoTime() + VALIDITY_CHECK_NANOS;
        while (!loop.closed) {
            for (Pending p; (p = loop.incoming.poll()) != null; ) {
                loop.pending.add(p);
            }
            Fd[] fds = new Fd[loop.pending.size() + 1];
            int[] events = new int[fds.length];
            int[] revents = new int[fds.length];
            fds[0] = loop.wakeUp;
            events[0] = Poll.POLLIN;
            long wakeAt = nextCheck;
            for (int i = 0; i < loop.pending.size(); i++) {
                fds[i + 1] = loop.pending.get(i).socket;
                events[i + 1] = Poll.POLLOUT;
                wakeAt = Math.min(wakeAt, loop.pending.get(i).deadline);
            }
            try {
                Poll.poll(fds, events, revents, Math.max(0, (wakeAt - System.nanoTime()) / 1_000_000L) + 1);
                if (revents[0] != 0) {
                    EventFd.drain(loop.wakeUp);
                }
            } catch (SyscallException e) {
                LOG.log(Level.WARNING, "connect waiter: " + e.getMessage() + "; abandoning " + loop.pending.size() + " connects", e);
                abandonAll();
                continue;
            }
            long now = System.nanoTime();
            boolean check = now >= nextCheck;
            if (check) {
                nextCheck = now + VALIDITY_CHECK_NANOS;
            }
            // Walk with the poll arrays' indexes: entry i of pending is fds[i + 1].
            Iterator<Pending> it = loop.pending.iterator();
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
        p.count.decrementAndGet();
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
        for (Pending p; (p = loop.incoming.poll()) != null; ) {
            loop.pending.add(p);
        }
        for (Pending p : loop.pending) {
            finish(p, -1);
        }
        loop.pending.clear();
    }

    private void wake() {
        try {
            EventFd.signal(loop.wakeUp, 1);
        } catch (SyscallException e) {
            throw new IllegalStateException("connect waiter wake-up: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses further connects. The waiter that made the thread also stops it, and every
     * connect still waiting, its containers' too, is abandoned.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!owner) {
            return;
        }
        loop.closed = true;
        wake();
        try {
            loop.thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.wakeUp.close();
    }
}
