package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.netns.http.UnixSocketFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bypass behind the API: a unix socket listening at the spec's {@code socketPath} (mode
 * 0600) whose connections go to an {@link AgentConnectionHandler}, and the spec's pid file.
 * The socket is a native {@link Fd} rather than a JDK channel because the handler receives
 * file descriptors over it with SCM_RIGHTS, which JDK channels cannot do.
 */
public final class AgentSocketBypassFactory implements BypassFactory {

    private final AgentConnectionHandler handler;

    public AgentSocketBypassFactory(AgentConnectionHandler handler) {
        this.handler = handler;
    }

    @Override
    public Bypass start(BypassSpec spec, BypassContext context) throws BypassException {
        Path socketPath = Path.of(spec.socketPath());
        Fd[] listener = new Fd[1];
        try {
            UnixSocketFiles.publish(socketPath, temporary -> {
                Fd fd = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                try {
                    Sockets.bind(fd, SockAddr.unix(temporary.toString()));
                    Sockets.listen(fd, 16);
                } catch (SyscallException e) {
                    fd.close();
                    throw e;
                }
                listener[0] = fd;
            });
        } catch (IOException e) {
            if (listener[0] != null) {
                listener[0].close();
            }
            throw new BypassException(400, "cannot create socketPath " + socketPath + ": " + e.getMessage(), e);
        }
        AgentSocket bypass = new AgentSocket(spec, context, listener[0], socketPath, handler);
        try {
            if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
                Files.writeString(Path.of(spec.pidFilePath()), ProcessHandle.current().pid() + "\n",
                        StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            try {
                bypass.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new BypassException(400, "cannot write pidFilePath " + spec.pidFilePath() + ": " + e.getMessage(), e);
        }
        bypass.startAccepting();
        return bypass;
    }

    /** One bypass: its listening socket and the thread accepting on it. */
    private static final class AgentSocket implements Bypass {

        private final BypassSpec spec;
        private final BypassContext context;
        private final Fd listener;
        private final Path socketPath;
        private final AgentConnectionHandler handler;
        private final Thread acceptor;
        private volatile boolean closed;

        AgentSocket(BypassSpec spec, BypassContext context, Fd listener, Path socketPath, AgentConnectionHandler handler) {
            this.spec = spec;
            this.context = context;
            this.listener = listener;
            this.socketPath = socketPath;
            this.handler = handler;
            this.acceptor = new Thread(this::acceptLoop, "bypass-agent " + spec.id());
            this.acceptor.setDaemon(true);
        }

        void startAccepting() {
            acceptor.start();
        }

        private void acceptLoop() {
            while (!closed) {
                Fd connection;
                try {
                    connection = Sockets.accept(listener, Sockets.SOCK_CLOEXEC);
                } catch (SyscallException e) {
                    if (!closed) {
                        context.log().accept("bypass " + spec.id() + ": " + e.getMessage());
                        context.counters().error();
                    }
                    return;
                }
                context.counters().agentConnection();
                try {
                    handler.serve(connection, context);
                } catch (IOException | RuntimeException e) {
                    connection.close();
                    context.counters().error();
                    context.log().accept("bypass " + spec.id() + ": agent connection: " + e.getMessage());
                }
            }
        }

        @Override
        public BypassStats stats() {
            return context.counters().snapshot(spec.id());
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            // close(2) does not wake a thread blocked in accept(2) on Linux; shutdown(2) of a
            // listening socket does (accept fails with EINVAL).
            try {
                Sockets.shutdown(listener, Sockets.SHUT_RDWR);
            } catch (SyscallException e) {
                // not listening any more: nothing to wake
            }
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener.close();
            Files.deleteIfExists(socketPath);
            if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
                Files.deleteIfExists(Path.of(spec.pidFilePath()));
            }
        }
    }
}
