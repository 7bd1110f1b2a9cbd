package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SeccompNotify;
import io.jnerd.nativebindings.SyscallException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A {@link Reply} that answers with SECCOMP_IOCTL_NOTIF_SEND on the listener, once. ENOENT
 * from SEND is normal (the target was interrupted or killed meanwhile) and is not an error.
 */
public final class NotifyReply implements Reply {

    private static final Logger LOG = Logger.getLogger(NotifyReply.class.getName());

    private final Fd listener;
    private final long id;
    private final Runnable onAnswer;
    private final AtomicBoolean answered = new AtomicBoolean();

    /** @param onAnswer runs once after the answer went out (stats); may be a no-op */
    public NotifyReply(Fd listener, long id, Runnable onAnswer) {
        this.listener = listener;
        this.id = id;
        this.onAnswer = onAnswer;
    }

    @Override
    public void proceed() {
        send(() -> SeccompNotify.respondContinue(listener, id), "CONTINUE");
    }

    @Override
    public void result(long value) {
        send(() -> SeccompNotify.respond(listener, id, value, 0), "value " + value);
    }

    @Override
    public void error(int errno) {
        send(() -> SeccompNotify.respondError(listener, id, errno), Errno.name(errno));
    }

    private interface Send {
        boolean send() throws SyscallException;
    }

    private void send(Send s, String what) {
        if (!answered.compareAndSet(false, true)) {
            throw new IllegalStateException("notification " + Long.toUnsignedString(id) + " answered twice (" + what + ")");
        }
        try {
            s.send();
        } catch (SyscallException e) {
            LOG.warning(() -> "answer " + what + " to notification " + Long.toUnsignedString(id) + ": " + e.getMessage());
        } finally {
            onAnswer.run();
        }
    }
}
