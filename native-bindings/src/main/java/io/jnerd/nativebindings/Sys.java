package io.jnerd.nativebindings;

/**
 * The call-and-check step shared by every syscall family: raw results are
 * {@code -errno} on failure (see {@link io.jnerd.nativebindings.spi.SyscallBackend}).
 */
final class Sys {

    private Sys() {}

    static long call(int nr, long a1) {
        return call(nr, a1, 0, 0, 0, 0, 0);
    }

    static long call(int nr, long a1, long a2) {
        return call(nr, a1, a2, 0, 0, 0, 0);
    }

    static long call(int nr, long a1, long a2, long a3) {
        return call(nr, a1, a2, a3, 0, 0, 0);
    }

    static long call(int nr, long a1, long a2, long a3, long a4) {
        return call(nr, a1, a2, a3, a4, 0, 0);
    }

    static long call(int nr, long a1, long a2, long a3, long a4, long a5) {
        return call(nr, a1, a2, a3, a4, a5, 0);
    }

    static long call(int nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        // A NativeThread hands the backend its state from a field (no ThreadLocal lookup).
        if (Thread.currentThread() instanceof NativeThread t) {
            return Native.backend().syscall(t.backendState(), nr, a1, a2, a3, a4, a5, a6);
        }
        return Native.backend().syscall(nr, a1, a2, a3, a4, a5, a6);
    }

    /** Returns {@code result}, or throws when it is {@code -errno}. */
    static long check(long result, String syscall, Object target) throws SyscallException {
        if (result < 0 && result >= -4095) {
            throw new SyscallException(syscall, (int) -result, target == null ? null : target.toString());
        }
        return result;
    }

    /** A restartable call interrupted by a signal: try again. */
    static boolean interrupted(long result) {
        return result == -Errno.EINTR;
    }
}
