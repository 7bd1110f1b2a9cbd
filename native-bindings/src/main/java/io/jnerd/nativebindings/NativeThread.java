package io.jnerd.nativebindings;

/**
 * A platform thread that keeps its per-thread native memory in fields: the scratch buffer
 * of {@link Scratch} and the syscall backend's own state (FFM's errno capture). Any other
 * thread finds both through ThreadLocals, two lookups per syscall; a loop that makes tens of
 * syscalls per event (a seccomp session: ~35 per switched connect) runs on one of these and
 * reads two fields instead.
 *
 * <p>Only the thread itself touches the fields, so they need no synchronisation.
 */
public final class NativeThread extends Thread {

    private NativeBuffer scratch;
    private Object backendState;

    public NativeThread(Runnable task, String name) {
        super(task, name);
    }

    /** The scratch buffer, or null before the first call that needs one. */
    NativeBuffer scratch() {
        return scratch;
    }

    void scratch(NativeBuffer buffer) {
        this.scratch = buffer;
    }

    /** The backend's state for this thread, made at the first syscall. */
    Object backendState() {
        Object s = backendState;
        if (s == null) {
            s = Native.backend().newThreadState();
            backendState = s;
        }
        return s;
    }
}
