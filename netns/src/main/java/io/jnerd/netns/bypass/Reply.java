package io.jnerd.netns.bypass;

/**
 * The answer to one notification, given exactly once, from any thread: the supervisor's
 * responder seen from the switch. {@link SocketSwitcher} may answer after its call
 * returned (a blocking connect that the {@link ConnectWaiter} finishes).
 */
public interface Reply {

    /** Lets the kernel run the syscall (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
    void proceed();

    /** The syscall returns {@code value}. */
    void result(long value);

    /** The syscall fails with {@code errno} (positive). */
    void error(int errno);
}
