package io.jnerd.engine.registry;

import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * How a pull is stopped from another thread (the daemon's client hung up): {@link #cancel}
 * interrupts every thread inside a {@link #enter scope}, which fails a read blocked on a
 * registry (java.net.http's body stream waits interruptibly) or a wait to retry. A thread
 * leaves its scope with that interrupt cleared and out of reach of a later one, so the
 * cleanup after it (aborting a write, ending the lease: blocking gRPC calls, which fail at
 * once on an interrupted thread) still runs.
 */
final class Cancellation {

    /** Leaves the scope {@link #enter} opened. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private final Set<Thread> inside = new HashSet<>();
    private boolean cancelled;

    synchronized void cancel() {
        if (!cancelled) {
            cancelled = true;
            inside.forEach(Thread::interrupt);
        }
    }

    /** The calling thread may be interrupted by {@link #cancel} until it closes the scope. */
    Scope enter() throws InterruptedIOException {
        Thread self = Thread.currentThread();
        synchronized (this) {
            if (cancelled) {
                throw new InterruptedIOException("pull cancelled");
            }
            inside.add(self);
        }
        return () -> leave(self);
    }

    private synchronized void leave(Thread self) {
        inside.remove(self);
        if (cancelled) {
            Thread.interrupted();
        }
    }
}
