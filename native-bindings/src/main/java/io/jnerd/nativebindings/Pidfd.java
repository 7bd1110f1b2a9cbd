package io.jnerd.nativebindings;

/**
 * A process file descriptor (pidfd_open, Linux 5.3): names one process for its whole life,
 * unlike a pid, which the kernel may hand to a new process once the old one is reaped.
 * Closing it closes the fd.
 */
public final class Pidfd implements AutoCloseable {

    /** pidfd_open flag: a non-blocking pidfd (Linux 5.10). */
    public static final int PIDFD_NONBLOCK = OpenFlags.O_NONBLOCK;
    /**
     * pidfd_open flag (Linux 6.9): a pidfd of this one thread, which may be any thread, not
     * only a thread-group leader. Older kernels refuse the flag with EINVAL.
     */
    public static final int PIDFD_THREAD = OpenFlags.O_EXCL;

    private final Fd fd;
    private final long pid;

    private Pidfd(Fd fd, long pid) {
        this.fd = fd;
        this.pid = pid;
    }

    /** pidfd_open(pid, 0). The pidfd is close-on-exec. */
    public static Pidfd open(long pid) throws SyscallException {
        return open(pid, 0);
    }

    public static Pidfd open(long pid, int flags) throws SyscallException {
        long r = Sys.call(SysNr.PIDFD_OPEN, pid, flags);
        if (r < 0) {
            throw new SyscallException("pidfd_open", (int) -r, "pid " + pid);
        }
        return new Pidfd(Fd.adopt((int) r), pid);
    }

    /**
     * A copy of the target's fd {@code targetFd} in this process (pidfd_getfd, Linux 5.6),
     * close-on-exec. Needs ptrace access to the target (PTRACE_MODE_ATTACH_REALCREDS).
     */
    public Fd getFd(int targetFd) throws SyscallException {
        long r = Sys.call(SysNr.PIDFD_GETFD, fd.get(), targetFd, 0);
        if (r < 0) {
            throw new SyscallException("pidfd_getfd", (int) -r, "pid " + pid + " fd " + targetFd);
        }
        return Fd.adopt((int) r);
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0) (Linux 5.1): no race with pid reuse. */
    public void sendSignal(int signal) throws SyscallException {
        long r = Sys.call(SysNr.PIDFD_SEND_SIGNAL, fd.get(), signal, 0, 0);
        if (r < 0) {
            throw new SyscallException("pidfd_send_signal", (int) -r, "pid " + pid + " signal " + signal);
        }
    }

    /** The pid this was opened for. */
    public long pid() {
        return pid;
    }

    /** The pidfd itself, e.g. to poll it: it becomes readable when the process exits. */
    public Fd fd() {
        return fd;
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "pidfd of pid " + pid + " (" + fd + ")";
    }
}
