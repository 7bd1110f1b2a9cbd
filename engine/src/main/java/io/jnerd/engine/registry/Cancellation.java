package io.jnerd.engine.registry;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * How a pull is stopped from another thread (the daemon's client hung up): {@link #cancel}
 * interrupts every thread inside a {@link #enter scope}, which fails a wait to retry or a
 * gRPC call, and closes every body stream {@link #closeOnCancel registered}, which fails a
 * read blocked on a registry (java.net.http's body stream on JDK 17 swallows an interrupt and
 * reads on; JDK 21's fails the read). A thread
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
    private final Set<Closeable> streams = new HashSet<>();
    private boolean cancelled;

    synchronized void cancel() {
        if (!cancelled) {
            cancelled = true;
            inside.forEach(Thread::interrupt);
            streams.forEach(Cancellation::closeQuietly);
        }
    }

    /**
     * {@code stream} is closed by {@link #cancel} until the returned scope is closed (at once,
     * with an InterruptedIOException, when the pull is cancelled already).
     */
    Scope closeOnCancel(Closeable stream) throws InterruptedIOException {
        synchronized (this) {
            if (!cancelled) {
                streams.add(stream);
                return () -> forget(stream);
            }
        }
        closeQuietly(stream);
        throw new InterruptedIOException("pull cancelled");
    }

    private synchronized void forget(Closeable stream) {
        streams.remove(stream);
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // It is being given up; its reader fails either way.
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
