package io.jnerd.nativebindings;

/** Process identity calls that cannot fail. */
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
}
