package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SeccompNotify;
import io.jnerd.nativebindings.SeccompNotify.Notification;
import io.jnerd.nativebindings.SysNr;
import io.jnerd.nativebindings.SyscallException;
import java.util.function.BiFunction;

/**
 * The receive loop of {@link BypassKernelTest}: RECV, then connect and bind to the
 * switcher (or CONTINUE everything when the bypass is off), until the child is gone.
 */
final class ListenerLoop implements AutoCloseable {

    private final Fd listener;
    private final SocketSwitcher switcher;
    private final Thread thread;
    volatile boolean bypass = true;
    /** Wraps each reply (the TOCTOU test rewrites the target's sockaddr before answering). */
    volatile BiFunction<Notification, Reply, Reply> replyWrapper = (n, r) -> r;

    ListenerLoop(Fd listener, SocketSwitcher switcher) {
        this.listener = listener;
        this.switcher = switcher;
        this.thread = new Thread(this::run, "test-listener-loop");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int[] revents = new int[1];
        try {
            while (true) {
                Poll.poll(new Fd[] {listener}, new int[] {Poll.POLLIN}, revents, -1);
                if ((revents[0] & Poll.POLLIN) == 0) {
                    return; // POLLHUP: the child is gone
                }
                Notification n = SeccompNotify.receive(listener);
                if (n == null) {
                    continue;
                }
                Reply reply = replyWrapper.apply(n, new NotifyReply(listener, n.id(), () -> { }));
                if (!bypass) {
                    reply.proceed();
                } else if (n.nr() == SysNr.CONNECT) {
                    switcher.connect(n, reply);
                } else if (n.nr() == SysNr.BIND) {
                    switcher.bind(n, reply);
                } else {
                    reply.proceed();
                }
            }
        } catch (SyscallException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.join(10_000);
        listener.close();
    }
}
