package io.jnerd.nativebindings;

/** Process identity calls (all but {@link #setsid} cannot fail). */
public final class Processes {

    private Processes() {}

    public static int getpid() {
        return (int) Sys.call(SysNr.GETPID, 0);
    }

    public static int getppid() {
        return (int) Sys.call(SysNr.GETPPID, 0);
    }

    /** The calling thread's id (a seccomp filter without TSYNC applies to this thread only). */
    public static int gettid() {
        return (int) Sys.call(SysNr.GETTID, 0);
    }

    public static int getuid() {
        return (int) Sys.call(SysNr.GETUID, 0);
    }

    /**
     * setsid(2): a new session and process group led by the caller, so signals sent to the
     * parent's group (a terminal's ^C, a process-group kill) no longer reach it.
     *
     * @throws SyscallException EPERM when the caller already leads a process group
     */
    public static int setsid() throws SyscallException {
        return (int) Sys.check(Sys.call(SysNr.SETSID, 0), "setsid", null);
    }
}
