package io.jnerd.nativebindings;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An owned file descriptor. {@link #close()} is idempotent and safe from any thread;
 * {@link #release()} hands the number over to another owner (for example to the kernel
 * with ADDFD, or to a child process) so that this object no longer closes it.
 */
public final class Fd implements AutoCloseable {

    private static final int CLOSED = -1;
    private final AtomicInteger fd;

    private Fd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("negative fd " + fd);
        }
        this.fd = new AtomicInteger(fd);
    }

    /** Takes ownership of a descriptor number. */
    public static Fd adopt(int fd) {
        return new Fd(fd);
    }

    /** The descriptor number; throws if closed or released. */
    public int get() {
        int v = fd.get();
        if (v == CLOSED) {
            throw new IllegalStateException("fd already closed or released");
        }
        return v;
    }

    public boolean isOpen() {
        return fd.get() != CLOSED;
    }

    /** Gives up ownership and returns the number; the caller now must close it. */
    public int release() {
        int v = fd.getAndSet(CLOSED);
        if (v == CLOSED) {
            throw new IllegalStateException("fd already closed or released");
        }
        return v;
    }

    /**
     * Closes once. close(2) is not retried on EINTR: on Linux the descriptor is released
     * even when close reports EINTR, and a retry could close a number another thread
     * has just been given.
     */
    @Override
    public void close() {
        int v = fd.getAndSet(CLOSED);
        if (v != CLOSED) {
            Sys.call(SysNr.CLOSE, v);
        }
    }

    @Override
    public String toString() {
        int v = fd.get();
        return v == CLOSED ? "fd(closed)" : "fd " + v;
    }
}
