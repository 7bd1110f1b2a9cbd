package io.jnerd.nativebindings.spi;

import java.nio.ByteBuffer;

/**
 * The one native symbol jnerd uses: libc {@code long syscall(long number, ...)}, with errno
 * captured right after the call on the same thread. Two implementations: Panama FFM
 * (JDK 22+, in the multi-release part of the jar) and jnr-ffi (any JDK).
 */
public interface SyscallBackend {

    /** A short name shown by {@code jnerd info}: "ffm" or "jnr". */
    String name();

    /**
     * Calls {@code syscall(nr, a1..a6)}. Unused arguments are passed as 0, which every
     * syscall ignores beyond its own arity.
     *
     * @return the call's non-negative result, or {@code -errno} when it failed
     */
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    /**
     * What {@link #syscall(Object, long, long, long, long, long, long, long)} needs per
     * thread, for a thread that keeps it in a field ({@link io.jnerd.nativebindings.NativeThread});
     * null when the backend needs nothing.
     */
    default Object newThreadState() {
        return null;
    }

    /**
     * {@link #syscall(long, long, long, long, long, long, long)} with the calling thread's
     * state from {@link #newThreadState()}, made by this backend on this thread.
     */
    default long syscall(Object threadState, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return syscall(nr, a1, a2, a3, a4, a5, a6);
    }

    /** The native address of element 0 of a direct buffer (its position is ignored). */
    long addressOf(ByteBuffer direct);
}
