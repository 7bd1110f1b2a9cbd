package io.jnerd.seccomp.notify;

/**
 * Decides on one intercepted syscall. Called on the container's receive thread, one
 * notification at a time, so it must be quick; a handler that needs time calls
 * {@link NotificationContext#defer()} and answers later from another thread, and the
 * container's other notifications are received meanwhile.
 *
 * <p>The supervisor does not call SECCOMP_IOCTL_NOTIF_ID_VALID before the handler (a
 * notification just received is valid); what needs it is acting on memory read from the
 * target, so the handler checks {@link NotificationContext#isValid()} after its reads, and
 * {@link NotificationContext#pidfd()} checks by itself.
 *
 * <p>A handler that returns without answering (and without deferring) gets the default
 * answer, CONTINUE: the kernel runs the syscall as the target asked.
 *
 * <p>A handler that throws is logged with the container, pid, syscall and errno, and the
 * notification is answered CONTINUE if it is still open. That is the same as having no
 * agent: for jnerd's networking handlers the container's own network takes the syscall, as
 * bypass4netns falls back to slirp4netns. A handler that enforces policy must therefore
 * answer its refusals itself (and not by throwing), and must leave the target as it found
 * it when it fails half-way.
 */
@FunctionalInterface
public interface NotificationHandler {

    void handle(NotificationContext context) throws Exception;

    /** Answers everything CONTINUE (what a supervisor without policy does). */
    NotificationHandler CONTINUE = context -> context.respondContinue();
}
