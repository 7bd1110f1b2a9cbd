package io.jnerd.nativebindings;

import java.nio.ByteBuffer;

/**
 * An epoll instance (epoll_create1, epoll_ctl, epoll_pwait): for a supervisor that waits on
 * many seccomp listeners and a wake-up {@link EventFd} at once, without passing the whole
 * set to the kernel on every wait as {@link Poll} does. Each fd is registered with a
 * caller-chosen 64-bit tag that comes back with its events.
 *
 * <p>Waiting threads use per-thread scratch memory; registrations may come from any thread.
 */
public final class Epoll implements AutoCloseable {

    public static final int EPOLLIN = 0x1;
    public static final int EPOLLPRI = 0x2;
    public static final int EPOLLOUT = 0x4;
    public static final int EPOLLERR = 0x8;
    /** On a seccomp listener: no task uses the filter any more (Linux 5.8). */
    public static final int EPOLLHUP = 0x10;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;

    // struct epoll_event is packed on x86_64 (u32 events, u64 data: 12 bytes) and naturally
    // aligned elsewhere (16 bytes, data at 8): see __EPOLL_PACKED in linux/eventpoll.h.
    private static final boolean PACKED = Arch.current() == Arch.X86_64;
    static final int EVENT_SIZE = PACKED ? 12 : 16;
    static final int DATA_AT = PACKED ? 4 : 8;

    private final Fd epfd;

    private Epoll(Fd epfd) {
        this.epfd = epfd;
    }

    /** epoll_create1(EPOLL_CLOEXEC). */
    public static Epoll create() throws SyscallException {
        return new Epoll(Fd.adopt((int) Sys.check(Sys.call(SysNr.EPOLL_CREATE1, OpenFlags.O_CLOEXEC), "epoll_create1", null)));
    }

    /** Watches {@code fd} for {@code events}; waits report {@code tag} for it. */
    public void add(Fd fd, int events, long tag) throws SyscallException {
        control(EPOLL_CTL_ADD, "epoll_ctl(ADD)", fd, events, tag);
    }

    public void modify(Fd fd, int events, long tag) throws SyscallException {
        control(EPOLL_CTL_MOD, "epoll_ctl(MOD)", fd, events, tag);
    }

    /** Stops watching {@code fd}. Closing an fd removes it too, once no duplicate of it is open. */
    public void remove(Fd fd) throws SyscallException {
        control(EPOLL_CTL_DEL, "epoll_ctl(DEL)", fd, 0, 0);
    }

    private void control(int op, String syscall, Fd fd, int events, long tag) throws SyscallException {
        NativeBuffer b = Scratch.zeroed(EVENT_SIZE);
        b.buffer().putInt(0, events);
        b.buffer().putLong(DATA_AT, tag);
        long r = Sys.call(SysNr.EPOLL_CTL, epfd.get(), op, fd.get(), b.address());
        if (r < 0) {
            throw new SyscallException(syscall, (int) -r, epfd + " watching " + fd);
        }
    }

    /**
     * Waits for events, at most {@code tags.length} of them; retried on EINTR with the time
     * that is left.
     *
     * @param tags          filled with the tags of the ready fds
     * @param events        filled with their events (same index)
     * @param timeoutMillis negative: wait for ever
     * @return how many entries were filled; 0 on timeout
     */
    public int await(long[] tags, int[] events, long timeoutMillis) throws SyscallException {
        if (events.length != tags.length || tags.length == 0) {
            throw new IllegalArgumentException("epoll wait needs equal, non-empty tags and events arrays ("
                    + tags.length + ", " + events.length + ")");
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long r;
        NativeBuffer b;
        do {
            b = Scratch.get(tags.length * EVENT_SIZE);
            int timeout = timeoutMillis < 0 ? -1
                    : (int) Math.min(Integer.MAX_VALUE, Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000));
            r = Sys.call(SysNr.EPOLL_PWAIT, epfd.get(), b.address(), tags.length, timeout, 0, 0);
        } while (Sys.interrupted(r));
        Sys.check(r, "epoll_pwait", epfd);
        ByteBuffer e = b.buffer();
        for (int i = 0; i < r; i++) {
            events[i] = e.getInt(i * EVENT_SIZE);
            tags[i] = e.getLong(i * EVENT_SIZE + DATA_AT);
        }
        return (int) r;
    }

    @Override
    public void close() {
        epfd.close();
    }

    @Override
    public String toString() {
        return "epoll " + epfd;
    }
}
