package io.jnerd.nativebindings;

/**
 * The few ptrace(2) requests that interrupt one thread's sleep without a signal the process
 * sees: PTRACE_SEIZE (Linux 3.4) attaches without stopping, PTRACE_INTERRUPT makes the thread
 * leave an interruptible wait (its syscall is restarted later, as for any ERESTARTSYS) and
 * enter a trap stop that only the tracer sees (no SIGCHLD to its parent, unlike SIGSTOP),
 * wait4 collects that stop, PTRACE_DETACH lets it run on. Needs ptrace access to the thread
 * (PTRACE_MODE_ATTACH_REALCREDS, as pidfd_getfd).
 */
public final class Ptrace {

    static final int PTRACE_DETACH = 17;
    static final int PTRACE_SEIZE = 0x4206;
    static final int PTRACE_INTERRUPT = 0x4207;
    /** wait4 option: wait for any child or tracee, thread or not (linux/wait.h). */
    static final int WALL = 0x40000000;

    private Ptrace() {}

    /**
     * Interrupts thread {@code tid}'s current interruptible wait and lets it go on: seize,
     * interrupt, collect the stop, detach. The thread's syscall, if the wait was one, is
     * restarted from its entry.
     *
     * @throws SyscallException ESRCH when the thread is gone, EPERM when it may not be traced
     *         (another tracer holds it, or no access)
     */
    public static void interruptWait(int tid) throws SyscallException {
        Sys.check(Sys.call(SysNr.PTRACE, PTRACE_SEIZE, tid, 0, 0), "ptrace(PTRACE_SEIZE)", "tid " + tid);
        try {
            Sys.check(Sys.call(SysNr.PTRACE, PTRACE_INTERRUPT, tid, 0, 0), "ptrace(PTRACE_INTERRUPT)", "tid " + tid);
            long r;
            do {
                r = Sys.call(SysNr.WAIT4, tid, 0, WALL, 0);
            } while (Sys.interrupted(r));
            Sys.check(r, "wait4", "tid " + tid);
        } finally {
            // Detaching a thread that has gone meanwhile fails with ESRCH: nothing to undo.
            Sys.call(SysNr.PTRACE, PTRACE_DETACH, tid, 0, 0);
        }
    }
}
