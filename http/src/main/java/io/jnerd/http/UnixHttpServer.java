package io.jnerd.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 server on a unix socket: netty's HTTP codec on its epoll transport, one event loop
 * thread for all connections, handlers on worker threads (at most one per connection, at most
 * {@link ServerLimits#maxConnections()}; the next connection gets a 503). Malformed input gets a
 * 400-class {@code {"message": ...}} answer and the connection closes; the server keeps serving.
 *
 * <p>netty rather than our own parser: it is the well-kept HTTP stack the project already
 * carries through grpc-java, and its epoll channels give what the Docker API's attach needs
 * and a hand-written blocking server made hard: the HTTP upgrade (the codec can be taken out of
 * a live connection) and half-closure (the client's shutdown(SHUT_WR) is an event, not the end).
 */
public final class UnixHttpServer implements AutoCloseable {

    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";
    static final long ACCEPT_PAUSE_MS = 1000;

    private final HttpHandler handler;
    private final Consumer<String> log;
    private final ServerLimits limits;
    private final Path socket;
    private final boolean ownsSocketFile;
    private final EventLoopGroup loop;
    private final ThreadPoolExecutor workers;
    private final ChannelGroup channels;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Thread> started = ConcurrentHashMap.newKeySet();
    private Channel server;
    private boolean closed;

    private UnixHttpServer(Path socket, boolean ownsSocketFile, HttpHandler handler, ServerLimits limits,
            Consumer<String> log, String name) {
        this.socket = socket;
        this.ownsSocketFile = ownsSocketFile;
        this.handler = handler;
        this.limits = limits;
        this.log = log;
        this.loop = new MultiThreadIoEventLoopGroup(1, threads("http-loop " + name, started), EpollIoHandler.newFactory());
        this.workers = new ThreadPoolExecutor(0, limits.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("http-conn-", started));
        this.channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    }

    /** Listens on {@code socket} (created with mode 0600, see {@link UnixSocketFiles}) and serves in the background. */
    public static UnixHttpServer start(Path socket, HttpHandler handler, ServerLimits limits, Consumer<String> log)
            throws IOException {
        requireEpoll();
        Path absolute = socket.toAbsolutePath();
        UnixHttpServer s = new UnixHttpServer(absolute, true, handler, limits, log, String.valueOf(absolute.getFileName()));
        try {
            UnixSocketFiles.publish(absolute, temporary -> s.server = s.bootstrap(new EpollServerDomainSocketChannel())
                    .bind(new DomainSocketAddress(temporary.toFile())).syncUninterruptibly().channel());
        } catch (IOException | RuntimeException e) {
            s.shutdownThreads();
            throw e instanceof IOException ? (IOException) e
                    : new IOException("cannot listen on " + absolute + ": " + e.getMessage(), e);
        }
        return s;
    }

    /**
     * Serves on a listening socket someone else bound (systemd socket activation hands it over
     * as fd 3, see sd_listen_fds(3)); the socket file stays where its owner put it.
     */
    public static UnixHttpServer adopt(int fd, Path socket, HttpHandler handler, ServerLimits limits,
            Consumer<String> log) throws IOException {
        requireEpoll();
        UnixHttpServer s = new UnixHttpServer(socket, false, handler, limits, log, "fd " + fd);
        try {
            // active: it is listening already, so registering it starts the accepts.
            EpollServerDomainSocketChannel channel = new EpollServerDomainSocketChannel(fd, true);
            s.server = channel;
            s.bootstrap(channel).register().syncUninterruptibly();
        } catch (RuntimeException e) {
            s.shutdownThreads();
            throw new IOException("cannot serve on inherited fd " + fd + ": " + e.getMessage(), e);
        }
        return s;
    }

    private static void requireEpoll() throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException("netty's epoll transport is not available: " + Epoll.unavailabilityCause());
        }
    }

    private ServerBootstrap bootstrap(EpollServerDomainSocketChannel channel) {
        return new ServerBootstrap()
                .group(loop)
                .channelFactory(() -> channel)
                .handler(new AcceptFailures())
                // Half-closure: a client's shutdown(SHUT_WR) is an event, so an answer (or a hijacked
                // stream's output) can still go out after the client has said all it will say.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        ch.pipeline()
                                .addLast(DECODER, new RequestDecoder(limits))
                                .addLast(ENCODER, new HttpResponseEncoder())
                                .addLast(new HttpConnection(UnixHttpServer.this, limits));
                    }
                });
    }

    /**
     * accept(2) failing (EMFILE, ENFILE, ENOBUFS) leaves the connection in the backlog, so the
     * listening socket stays readable and retrying at once spins a CPU and floods the log. So on
     * any accept failure: stop reading the listening socket for {@link #ACCEPT_PAUSE_MS}, say so
     * in one line, then try again (the connections wait in the backlog meanwhile).
     */
    private final class AcceptFailures extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!ctx.channel().config().isAutoRead()) {
                return;
            }
            ctx.channel().config().setAutoRead(false);
            log("accept on " + socket + " failed, pausing accepts for " + ACCEPT_PAUSE_MS + " ms: " + cause.getMessage());
            ctx.executor().schedule(() -> {
                if (ctx.channel().isOpen()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }, ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
        }
    }

    public Path socket() {
        return socket;
    }

    /** Connections being served right now. */
    public int openConnections() {
        return connections.get();
    }

    boolean admit() {
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        connections.decrementAndGet();
    }

    HttpHandler handler() {
        return handler;
    }

    ThreadPoolExecutor workers() {
        return workers;
    }

    void log(String line) {
        log.accept(line);
    }

    /** Makes daemon threads and remembers them until they have ended, so close() can wait for them. */
    private static ThreadFactory threads(String prefix, Set<Thread> started) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            started.removeIf(t -> !t.isAlive());
            Thread t = new Thread(r, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
            t.setDaemon(true);
            started.add(t);
            return t;
        };
    }

    /** Stops accepting, closes every connection, ends its threads and removes the socket file it made. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownThreads();
        if (ownsSocketFile) {
            Files.deleteIfExists(socket);
        }
    }

    private void shutdownThreads() {
        workers.shutdown();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
            // Both terminations are signalled from the ending thread itself, before it has returned
            // from run(): join, so that no thread of this server outlives close().
            for (Thread t : started) {
                if (t != Thread.currentThread()) {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
