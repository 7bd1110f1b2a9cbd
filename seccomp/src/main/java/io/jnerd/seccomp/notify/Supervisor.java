package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves seccomp notification listeners: one {@link Session} (one thread) per listener fd,
 * every notification passed to the one {@link NotificationHandler}, answered CONTINUE unless
 * the handler answers or defers (EPERM for a call the handler must never continue), EIO if
 * the handler throws. Counters and latencies of all sessions: {@link #stats()}.
 */
public final class Supervisor implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final NotificationHandler handler;
    private final ContinueGuard continueGuard;
    private final ImmediateContinues immediate;
    private final Counters counters = new Counters();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    /**
     * @throws IllegalArgumentException when the handler's {@link NotificationHandler#neverContinue()}
     *         names a syscall no ABI has, or its {@link NotificationHandler#continueAtOnce()} one
     *         the native ABI lacks or one it must never continue
     */
    public Supervisor(NotificationHandler handler) {
        this.handler = handler;
        this.continueGuard = ContinueGuard.of(handler.neverContinue(), Arch.current());
        this.immediate = ImmediateContinues.of(handler.continueAtOnce(), continueGuard, Arch.current());
    }

    /**
     * Starts serving {@code listener} for {@code container}. Takes ownership of the fd: it is
     * closed when the session ends, or at once if the session cannot start.
     */
    public Session supervise(ContainerState container, Fd listener) throws SyscallException {
        Session s;
        try {
            s = new Session(this, container, listener);
        } catch (SyscallException | RuntimeException e) {
            listener.close();
            throw e;
        }
        sessions.add(s);
        s.start();
        return s;
    }

    /** The sessions running now. */
    public List<Session> sessions() {
        return List.copyOf(sessions);
    }

    public SupervisorStats stats() {
        return counters.snapshot(sessions.size());
    }

    /** Ends every session and waits (up to 5 s each) until they have freed their fds and threads. */
    @Override
    public void close() {
        for (Session s : sessions()) {
            s.close();
        }
        for (Session s : sessions()) {
            try {
                s.awaitEnd(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    NotificationHandler handler() {
        return handler;
    }

    ContinueGuard continueGuard() {
        return continueGuard;
    }

    ImmediateContinues immediate() {
        return immediate;
    }

    Counters counters() {
        return counters;
    }

    void ended(Session s) {
        sessions.remove(s);
    }
}
