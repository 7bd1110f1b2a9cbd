package io.jnerd.nativebindings;

/** prctl(2) options jnerd uses. */
public final class Prctl {

    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int PR_GET_NO_NEW_PRIVS = 39;

    private Prctl() {}

    /**
     * Sets no_new_privs on the calling thread (Linux 3.5); it is inherited and cannot be
     * unset. An unprivileged process must set it before it may install a seccomp filter.
     */
    public static void setNoNewPrivs() throws SyscallException {
        Sys.check(Sys.call(SysNr.PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)", null);
    }

    /** Whether no_new_privs is set on the calling thread. */
    public static boolean noNewPrivs() throws SyscallException {
        return Sys.check(Sys.call(SysNr.PRCTL, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), "prctl(PR_GET_NO_NEW_PRIVS)", null) == 1;
    }
}
