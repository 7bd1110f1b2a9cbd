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

    /** The native address of element 0 of a direct buffer (its position is ignored). */
    long addressOf(ByteBuffer direct);
}
