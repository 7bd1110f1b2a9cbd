package io.jnerd.seccomp.notify;

import java.util.Set;

/**
 * Decides on one intercepted syscall. Called on the container's receive thread, one
 * notification at a time, so it must be quick; a handler that needs time calls
 * {@link NotificationContext#defer()} and answers later from another thread, and the
 * container's other notifications are received meanwhile.
 *
 * <p>The supervisor does not call SECCOMP_IOCTL_NOTIF_ID_VALID before the handler (a
 * notification just received is valid); what needs it is acting on memory read from the
 * target, so the handler checks {@link NotificationContext#isValid()} after its reads, and
 * {@link NotificationContext#targetFd(int)} checks by itself.
 *
 * <p>A handler that returns without answering (and without deferring) gets the default
 * answer, CONTINUE: the kernel runs the syscall as the target asked.
 *
 * <p>A handler that throws is logged with the container, pid, syscall and errno, counted,
 * and the notification is answered EIO if it is still open: the supervisor fails closed.
 * CONTINUE would run the call natively on an fd the handler may have replaced already (a
 * switched host socket) and with arguments nobody checked.
 */
@FunctionalInterface
public interface NotificationHandler {

    void handle(NotificationContext context) throws Exception;

    /**
     * Syscalls (by name, in every ABI the kernel serves: native, i386, x32, 32-bit ARM)
     * this handler must never answer CONTINUE. The supervisor enforces it: such a CONTINUE,
     * the default answer included, becomes EPERM, is logged once per container and counted
     * in {@link SupervisorStats#continueRefused()}. A name no ABI has is refused when the
     * supervisor is made.
     */
    default Set<String> neverContinue() {
        return Set.of();
    }

    /**
     * Syscalls (native ABI, by name) this handler would answer CONTINUE without looking at
     * them. The supervisor answers them itself, on the receiving thread, before anything
     * else: no context, no handler call. For filters that notify more than the handler acts
     * on (nerdctl's bypass4netns profile notifies close, fcntl, setsockopt, getpeername and
     * exit_group on every socket), whose containers otherwise pay a full dispatch on each.
     * Counted as received and continued like any other. A name here that is also in
     * {@link #neverContinue()}, or that the native ABI lacks, is refused when the supervisor
     * is made; compat-ABI calls of these names still reach the handler.
     */
    default Set<String> continueAtOnce() {
        return Set.of();
    }

    /** Answers everything CONTINUE (what a supervisor without policy does). */
    NotificationHandler CONTINUE = context -> context.respondContinue();
}
