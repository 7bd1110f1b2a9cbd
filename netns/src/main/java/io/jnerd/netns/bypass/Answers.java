package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.util.logging.Logger;

/**
 * The bypass's answers to a notification, which never throw: an answer that cannot be
 * delivered (the listener failed) is logged; one nobody waits for any more is not news.
 */
final class Answers {

    private static final Logger LOG = Logger.getLogger(Answers.class.getName());

    private Answers() {}

    /** {@code result} as the syscall's value when at least 0, else {@code -result} as its errno. */
    static void result(NotificationContext ctx, long result) {
        try {
            if (result >= 0) {
                ctx.respondValue(result);
            } else {
                ctx.respondError((int) -result);
            }
        } catch (SyscallException e) {
            LOG.warning(() -> "bypass: " + ctx + ": answer " + (result >= 0 ? Long.toString(result)
                    : Errno.name((int) -result)) + ": " + e.getMessage());
        }
    }

    /** CONTINUE: the kernel runs the call as the target made it. */
    static void proceed(NotificationContext ctx) {
        try {
            ctx.respondContinue();
        } catch (SyscallException e) {
            LOG.warning(() -> "bypass: " + ctx + ": answer CONTINUE: " + e.getMessage());
        }
    }
}
