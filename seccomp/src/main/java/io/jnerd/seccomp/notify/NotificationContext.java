package io.jnerd.seccomp.notify;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Pidfd;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.SeccompNotify;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.SyscallTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final Session session;
    private final SeccompNotify.Notification notification;
    private final long receivedNanos;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile boolean deferred;
    private Pidfd pidfd; // guarded by this; closed with the answer

    NotificationContext(Session session, SeccompNotify.Notification notification, long receivedNanos) {
        this.session = session;
        this.notification = notification;
        this.receivedNanos = receivedNanos;
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

    /** The target's architecture; empty for one jnerd has no table for (an i386 process, say). */
    public Optional<Arch> arch() {
        return archOf(notification.arch());
    }

    /** "connect", or "syscall N" when the number is not in jnerd's table for the target's architecture. */
    public String syscallName() {
        return nameOf(notification);
    }

    static String nameOf(SeccompNotify.Notification n) {
        Optional<Arch> arch = archOf(n.arch());
        return arch.isPresent() ? SyscallTable.get().name(arch.get(), n.nr())
                : "syscall " + n.nr() + " (arch 0x" + Integer.toHexString(n.arch()) + ")";
    }

    private static Optional<Arch> archOf(int auditArch) {
        for (Arch a : Arch.values()) {
            if (a.auditArch() == auditArch) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * SECCOMP_IOCTL_NOTIF_ID_VALID: whether the target still waits. Check it after reading
     * its memory and before acting on what was read: if the target died meanwhile, its pid
     * may name another process already.
     */
    public boolean isValid() throws SyscallException {
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
     * A pidfd of the target's process, opened on first use, checked against the notification
     * (so it cannot name a recycled pid) and closed when the notification is answered.
     * A thread that does not lead its thread group has no pidfd of its own without
     * PIDFD_THREAD (EINVAL before Linux 6.9, ENOENT since), so it is opened for the group.
     */
    public synchronized Pidfd pidfd() throws IOException {
        if (pidfd == null) {
            Pidfd p;
            try {
                p = Pidfd.open(pid());
            } catch (SyscallException e) {
                if (!e.is(Errno.EINVAL) && !e.is(Errno.ENOENT)) {
                    throw e;
                }
                p = Pidfd.open(threadGroupOf(pid()));
            }
            if (!isValid()) {
                p.close();
                throw new SyscallException("ioctl(SECCOMP_IOCTL_NOTIF_ID_VALID)", Errno.ENOENT,
                        "pid " + pid() + " (the target went away while its pidfd was opened)");
            }
            pidfd = p;
        }
        return pidfd;
    }

    /** A copy of the target's fd {@code targetFd} (pidfd_getfd); the caller closes it. */
    public Fd targetFd(int targetFd) throws IOException {
        return pidfd().getFd(targetFd);
    }

    /**
     * Installs a copy of {@code source} in the target as fd number {@code targetFd}, replacing
     * what is there (ADDFD with SETFD, Linux 5.9). {@code source} stays the caller's.
     *
     * @throws SyscallException ENOENT when the target went away or the session ended
     */
    public int addFd(Fd source, int targetFd, boolean closeOnExec) throws SyscallException {
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
        session.pending(this);
    }

    public boolean isDeferred() {
        return deferred;
    }

    public boolean isAnswered() {
        return answered.get();
    }

    /** The kernel runs the syscall as asked (SECCOMP_USER_NOTIF_FLAG_CONTINUE, Linux 5.5). */
    public boolean respondContinue() throws SyscallException {
        return answer(Answer.CONTINUE, 0, 0);
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
        boolean delivered = false;
        try {
            long id = notification.id();
            delivered = session.withListener(l -> {
                switch (kind) {
                    case CONTINUE: return SeccompNotify.respondContinue(l, id);
                    case VALUE: return SeccompNotify.respond(l, id, value, 0);
                    default: return SeccompNotify.respondError(l, id, errno);
                }
            }, false);
            return delivered;
        } finally {
            session.answered(this, kind, delivered, System.nanoTime() - receivedNanos);
            release();
        }
    }

    /** Closes what the context opened; called with the answer and when the session ends. */
    synchronized void release() {
        if (pidfd != null) {
            pidfd.close();
            pidfd = null;
        }
    }

    private static long threadGroupOf(int tid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(tid), "status"),
                StandardCharsets.UTF_8)) {
            if (line.startsWith("Tgid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new IOException("/proc/" + tid + "/status has no Tgid line");
    }

    @Override
    public String toString() {
        return "container " + container().containerId() + " pid " + pid() + " " + syscallName();
    }
}
