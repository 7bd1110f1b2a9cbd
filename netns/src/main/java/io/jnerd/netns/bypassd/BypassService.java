package io.jnerd.netns.bypassd;

import io.jnerd.netns.bypass.ConnectWaiter;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Who serves a container's bypass: a running {@code jnerd bypassd} (or bypass4netnsd) when
 * one answers on its socket, otherwise this jnerd process itself, for the container's life,
 * with the same {@link SupervisedBypassFactory} the daemon uses. So {@code jnerd run
 * --net=bypass4netns} needs no daemon (a foreground run keeps jnerd alive as long as the
 * container anyway: slirp4netns is tied to it too), while a daemon, when there is one,
 * keeps the bypasses in one place where {@code GET /v1/bypass} lists them.
 */
public interface BypassService extends AutoCloseable {

    void start(BypassSpec spec) throws IOException;

    void stop(String id) throws IOException;

    @Override
    void close();

    /** The daemon on {@code socket} if one accepts connections there, else an in-process service. */
    static BypassService connect(Path socket, Consumer<String> log) throws IOException {
        if (Files.exists(socket) && accepts(socket)) {
            return new Daemon(new BypassClient(socket));
        }
        return new InProcess(log);
    }

    private static boolean accepts(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException stale) {
            // A socket file left by a daemon that died: nobody serves it.
            return false;
        }
    }

    /** This process serves the bypass (no daemon socket can be named, e.g. no XDG_RUNTIME_DIR). */
    static BypassService inProcess(Consumer<String> log) throws IOException {
        return new InProcess(log);
    }

    /** Through the REST API of a running daemon. */
    final class Daemon implements BypassService {
        private final BypassClient client;

        Daemon(BypassClient client) {
            this.client = client;
        }

        @Override
        public void start(BypassSpec spec) throws IOException {
            client.start(spec);
        }

        @Override
        public void stop(String id) throws IOException {
            client.stop(id);
        }

        @Override
        public void close() {
        }
    }

    /** In this process: a registry of one bypass, gone with {@link #close()}. */
    final class InProcess implements BypassService {
        private final ConnectWaiter waiter;
        private final BypassRegistry registry;

        InProcess(Consumer<String> log) throws IOException {
            waiter = new ConnectWaiter("jnerd-run-connect-waiter");
            registry = new BypassRegistry(new SupervisedBypassFactory(waiter), log);
        }

        @Override
        public void start(BypassSpec spec) throws IOException {
            try {
                registry.start(spec);
            } catch (BypassException e) {
                throw asIo(e);
            }
        }

        @Override
        public void stop(String id) throws IOException {
            try {
                registry.stop(id);
            } catch (BypassException e) {
                throw asIo(e);
            }
        }

        /** The registry's error, as the daemon's client would report it (bypassd says "bypass" errors). */
        private static IOException asIo(BypassException e) {
            return new IOException("bypass: " + e.getMessage(), e);
        }

        @Override
        public void close() {
            try {
                registry.close();
            } finally {
                waiter.close();
            }
        }
    }
}
