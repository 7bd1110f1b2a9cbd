package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.CompatAbi;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.SeccompNotify;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.SyscallTable;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One pending notification and what a handler may do with it: read the target's memory,
 * reach its fds through a pidfd, install fds into it, and answer exactly once. Thread-safe:
 * after {@link #defer()} any thread may answer.
 *
 * <p>Answers return false when nobody waits for them any more: the notification was already
 * answered, the target was interrupted or died (ENOENT), or the container's session ended.
 * That is normal, not an error.
 */
public final class NotificationContext {

    private static final Arch NATIVE = Arch.current();

    private final Session session;
    private final SeccompNotify.Notification notification;
    private final CompatAbi compat;
    private final String name;
    private final long receiveNanos;
    private final long receivedNanos;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile boolean deferred;

    /**
     * @param receiveNanos  {@link System#nanoTime()} before the RECV that brought it was issued
     * @param receivedNanos {@link System#nanoTime()} after it returned (the answer's latency counts from here)
     */
    NotificationContext(Session session, SeccompNotify.Notification notification, long receiveNanos,
            long receivedNanos) {
        this.session = session;
        this.notification = notification;
        this.receiveNanos = receiveNanos;
        this.receivedNanos = receivedNanos;
        this.compat = CompatAbi.of(NATIVE, notification.arch(), notification.nr());
        this.name = nameOf(compat, notification);
    }

    public ContainerState container() {
        return session.container();
    }

    public SeccompNotify.Notification notification() {
        return notification;
    }

    /** The target thread's id (in the supervisor's pid namespace). */
    public int pid() {
        return notification.pid();
    }

    public long arg(int index) {
        return notification.arg(index);
    }

    /**
     * The compat ABI of the call (i386, x32, 32-bit ARM), or empty for the native one. A
     * compat call has its own numbers and struct layouts: a handler that knows only the
     * native ABI must not read its arguments as native ones.
     */
    public Optional<CompatAbi> compatAbi() {
        return Optional.ofNullable(compat);
    }

    /** Whether the call came through a compat ABI (cheap: decided when it was received). */
    public boolean isCompat() {
        return compat != null;
    }

    /**
     * "connect", or "syscall N" when the number is not in jnerd's table for the native
     * architecture; a compat call is named with its ABI ("i386 connect", "x32 syscall x32+9"),
     * so it never matches a native name.
     */
    public String syscallName() {
        return name;
    }

    private static String nameOf(CompatAbi compat, SeccompNotify.Notification n) {
        if (compat == null) {
            return SyscallTable.get().name(NATIVE, n.nr());
        }
        String name = compat.label() + " " + compat.name(n.nr());
        return compat == CompatAbi.UNKNOWN ? name + " (arch 0x" + Integer.toHexString(n.arch()) + ")" : name;
    }

    /**
     * SECCOMP_IOCTL_NOTIF_ID_VALID: whether the target still waits. Check it after reading
     * its memory and before acting on what was read: if the target died meanwhile, its pid
     * may name another process already.
     */
    public boolean isValid() throws SyscallException {
        Fd own = session.listenerIfOwnThread();
        if (own != null) {
            return SeccompNotify.isValid(own, notification.id());
        }
        return session.withListener(l -> SeccompNotify.isValid(l, notification.id()), false);
    }

    /** Reads up to {@code len} bytes of the target's memory; fewer at the end of a mapping. */
    public int readMemory(long address, byte[] dst, int off, int len) throws IOException {
        return ProcessMemory.read(pid(), address, dst, off, len);
    }

    public void readMemoryFully(long address, byte[] dst, int off, int len) throws IOException {
        ProcessMemory.readFully(pid(), address, dst, off, len);
    }

    public String readString(long address, int maxLength) throws IOException {
        return ProcessMemory.readCString(pid(), address, maxLength);
    }

    /** The socket address a connect/bind/sendto argument points at. */
    public SockAddr readSockAddr(long address, int length) throws IOException {
        return ProcessMemory.readSockAddr(pid(), address, length);
    }

    /**
     * A copy of the target's fd {@code targetFd} (pidfd_getfd, Linux 5.6); the caller closes
     * it. The copy (and any memory read before) cannot come from a process that took over a
     * recycled pid: it came through a pidfd that named the target since before the
     * notification was received, or it is checked against the notification (NOTIF_ID_VALID)
     * afterwards ({@link TargetPidfds}).
     *
     * @throws SyscallException EBADF when the target has no such fd; ENOENT when the target
     *         went away meanwhile (found when the copy was checked)
     */
    public Fd targetFd(int targetFd) throws IOException {
        TargetPidfds.Copy c = session.copyFd(pid(), targetFd, receiveNanos);
        Fd copy = c.fd();
        if (c.needsCheck() && !isValid()) {
            copy.close();
            throw new SyscallException("ioctl(SECCOMP_IOCTL_NOTIF_ID_VALID)", Errno.ENOENT,
                    "pid " + pid() + " (the target went away while its fd " + targetFd + " was copied)");
        }
        return copy;
    }

    /**
     * Whether the target's fd {@code targetFd} is close-on-exec: what {@link #addFd} needs
     * to replace it faithfully. Read from /proc (a file kept open for the next time).
     */
    public boolean isCloseOnExec(int targetFd) throws IOException {
        return session.isCloseOnExec(pid(), targetFd);
    }

    /**
     * Installs a copy of {@code source} in the target as fd number {@code targetFd}, replacing
     * what is there (ADDFD with SETFD, Linux 5.9). {@code source} stays the caller's.
     *
     * @throws SyscallException ENOENT when the target went away or the session ended
     */
    public int addFd(Fd source, int targetFd, boolean closeOnExec) throws SyscallException {
        Fd own = session.listenerIfOwnThread();
        if (own != null) {
            return SeccompNotify.addFd(own, notification.id(), source, SeccompNotify.ADDFD_FLAG_SETFD, targetFd, closeOnExec);
        }
        Integer r = session.withListener(l -> SeccompNotify.addFd(l, notification.id(), source,
                SeccompNotify.ADDFD_FLAG_SETFD, targetFd, closeOnExec), null);
        if (r == null) {
            throw new SyscallException("ioctl(SECCOMP_IOCTL_NOTIF_ADDFD)", Errno.ENOENT,
                    "container " + container().containerId() + " (session ended)");
        }
        return r;
    }

    /** Keeps the notification open after the handler returns; answer it later from any thread. */
    public void defer() {
        deferred = true;
    }

    public boolean isDeferred() {
        return deferred;
    }

    public boolean isAnswered() {
        return answered.get();
    }

    /**
     * The kernel runs the syscall as asked (SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5) —
     * unless the handler declared the syscall {@link NotificationHandler#neverContinue()}:
     * then it fails with EPERM without running.
     */
    public boolean respondContinue() throws SyscallException {
        if (!session.refusesContinue(compat, notification.nr())) {
            return answer(Answer.CONTINUE, 0, 0);
        }
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        session.continueRefused(this);
        return deliver(Answer.ERROR, 0, Errno.EPERM);
    }

    /** The syscall returns {@code value} without running. */
    public boolean respondValue(long value) throws SyscallException {
        return answer(Answer.VALUE, value, 0);
    }

    /** The syscall fails with {@code errno} without running. */
    public boolean respondError(int errno) throws SyscallException {
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive, was " + errno);
        }
        return answer(Answer.ERROR, 0, errno);
    }

    enum Answer { CONTINUE, VALUE, ERROR }

    private boolean answer(Answer kind, long value, int errno) throws SyscallException {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        return deliver(kind, value, errno);
    }

    private boolean deliver(Answer kind, long value, int errno) throws SyscallException {
        boolean delivered = false;
        try {
            long id = notification.id();
            Fd own = session.listenerIfOwnThread();
            delivered = own != null ? send(own, id, kind, value, errno)
                    : session.withListener(l -> send(l, id, kind, value, errno), false);
            return delivered;
        } finally {
            session.answered(kind, delivered, System.nanoTime() - receivedNanos);
        }
    }

    private static boolean send(Fd listener, long id, Answer kind, long value, int errno) throws SyscallException {
        switch (kind) {
            case CONTINUE: return SeccompNotify.respondContinue(listener, id);
            case VALUE: return SeccompNotify.respond(listener, id, value, 0);
            default: return SeccompNotify.respondError(listener, id, errno);
        }
    }

    @Override
    public String toString() {
        return "container " + container().containerId() + " pid " + pid() + " " + syscallName();
    }
}
