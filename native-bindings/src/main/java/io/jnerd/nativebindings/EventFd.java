package io.jnerd.nativebindings;

/**
 * eventfd(2): a counter fd, the wake-up line into a thread blocked in {@link Poll#poll}.
 * Reads and writes are 8-byte counters.
 */
public final class EventFd {

    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_NONBLOCK = OpenFlags.O_NONBLOCK;
    public static final int EFD_CLOEXEC = OpenFlags.O_CLOEXEC;

    private EventFd() {}

    public static Fd create(int initialValue, int flags) throws SyscallException {
        return Fd.adopt((int) Sys.check(Sys.call(SysNr.EVENTFD2, initialValue, flags), "eventfd2", null));
    }

    /** Adds {@code value} to the counter, which makes the fd readable. */
    public static void signal(Fd eventFd, long value) throws SyscallException {
        NativeBuffer b = Scratch.get(Long.BYTES);
        b.buffer().putLong(0, value);
        long r;
        do {
            r = Sys.call(SysNr.WRITE, eventFd.get(), b.address(), Long.BYTES);
        } while (Sys.interrupted(r));
        Sys.check(r, "write", eventFd);
    }

    /**
     * Reads and resets the counter (or takes 1 with EFD_SEMAPHORE).
     *
     * @return the counter, or 0 when it was 0 on a non-blocking eventfd (EAGAIN)
     */
    public static long drain(Fd eventFd) throws SyscallException {
        NativeBuffer b = Scratch.get(Long.BYTES);
        long r;
        do {
            r = Sys.call(SysNr.READ, eventFd.get(), b.address(), Long.BYTES);
        } while (Sys.interrupted(r));
        if (r == -Errno.EAGAIN) {
            return 0;
        }
        Sys.check(r, "read", eventFd);
        return b.buffer().getLong(0);
    }
}
