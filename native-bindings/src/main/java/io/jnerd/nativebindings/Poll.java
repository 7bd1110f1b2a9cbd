package io.jnerd.nativebindings;

import java.nio.ByteBuffer;

/**
 * ppoll(2) on several fds: how a supervisor waits for a seccomp listener and a wake-up
 * {@link EventFd} together. (aarch64 has no poll(2), so ppoll serves both architectures.)
 */
public final class Poll {

    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    /** On a seccomp listener: no task uses the filter any more (Linux 5.8). */
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;

    /** struct pollfd: int fd, short events, short revents. */
    private static final int POLLFD_SIZE = 8;
    private static final int TIMESPEC_SIZE = 16;

    private Poll() {}

    /**
     * Waits until one of {@code fds} has one of its {@code events}, or the timeout passes.
     * Retried on EINTR with the time that is left.
     *
     * @param revents       filled with what happened on each fd (same index)
     * @param timeoutMillis negative: wait for ever
     * @return how many fds have events; 0 on timeout
     */
    public static int poll(Fd[] fds, int[] events, int[] revents, long timeoutMillis) throws SyscallException {
        if (events.length != fds.length || revents.length != fds.length) {
            throw new IllegalArgumentException("poll: " + fds.length + " fds but " + events.length
                    + " events and " + revents.length + " revents");
        }
        // No clock read for a wait without end: a supervisor's loop polls once per notification.
        long deadline = timeoutMillis >= 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        int timeoutAt = fds.length * POLLFD_SIZE;
        long r;
        NativeBuffer b;
        do {
            b = Scratch.zeroed(timeoutAt + TIMESPEC_SIZE);
            ByteBuffer p = b.buffer();
            for (int i = 0; i < fds.length; i++) {
                p.putInt(i * POLLFD_SIZE, fds[i].get());
                p.putShort(i * POLLFD_SIZE + 4, (short) events[i]);
            }
            long timeout = 0;
            if (timeoutMillis >= 0) {
                long left = Math.max(0, deadline - System.nanoTime());
                p.putLong(timeoutAt, left / 1_000_000_000L);
                p.putLong(timeoutAt + 8, left % 1_000_000_000L);
                timeout = b.address(timeoutAt);
            }
            r = Sys.call(SysNr.PPOLL, b.address(), fds.length, timeout, 0, 0);
        } while (Sys.interrupted(r));
        if (r < 0) {
            throw new SyscallException("ppoll", (int) -r, fds.length + " fds");
        }
        for (int i = 0; i < fds.length; i++) {
            revents[i] = Short.toUnsignedInt(b.buffer().getShort(i * POLLFD_SIZE + 6));
        }
        return (int) r;
    }
}
