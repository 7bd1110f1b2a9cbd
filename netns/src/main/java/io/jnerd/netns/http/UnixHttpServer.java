package io.jnerd.netns.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 server on a unix socket (the JDK's HttpServer speaks TCP only). One thread per
 * open connection, at most {@code maxConnections} (the next gets a 503); a connection that
 * sends no complete request for {@link #IDLE_TIMEOUT_SECONDS} is closed. Malformed input gets
 * a 400-class response and the connection is closed; the server keeps serving.
 */
public final class UnixHttpServer implements AutoCloseable {

    public static final int IDLE_TIMEOUT_SECONDS = 30;

    private final Path socket;
    private final ServerSocketChannel server;
    private final HttpHandler handler;
    private final Consumer<String> log;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private UnixHttpServer(Path socket, ServerSocketChannel server, HttpHandler handler, int maxConnections,
            Consumer<String> log) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "http-conn-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "http-idle"));
        this.acceptor = daemon(this::acceptLoop, "http-accept " + socket.getFileName());
    }

    /** Listens on {@code socket} (mode 0600) and serves in background threads. */
    public static UnixHttpServer start(Path socket, HttpHandler handler, int maxConnections, Consumer<String> log)
            throws IOException {
        ServerSocketChannel[] bound = new ServerSocketChannel[1];
        UnixSocketFiles.publish(socket, temporary -> {
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.bind(UnixDomainSocketAddress.of(temporary));
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
            }
            bound[0] = ch;
        });
        UnixHttpServer s = new UnixHttpServer(socket.toAbsolutePath(), bound[0], handler, maxConnections, log);
        s.acceptor.start();
        return s;
    }

    public Path socket() {
        return socket;
    }

    /** Number of connections being served right now. */
    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.accept("accept on " + socket + ": " + e.getMessage());
                }
                continue;
            }
            open.add(ch);
            try {
                workers.execute(() -> serve(ch));
            } catch (RejectedExecutionException e) {
                try {
                    // Small enough for the socket buffer: this write does not block the acceptor.
                    write(Channels.newOutputStream(ch), error(503, "too many connections"), false);
                } catch (IOException ignored) {
                    // the close below tells the client as well
                }
                open.remove(ch);
                closeQuietly(ch);
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            OutputStream out = Channels.newOutputStream(ch);
            HttpRequestReader reader = new HttpRequestReader(in);
            while (!closed) {
                ScheduledFuture<?> idle = timer.schedule(() -> closeQuietly(ch), IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                HttpRequest request;
                try {
                    request = reader.read();
                } catch (BadRequestException e) {
                    write(out, error(e.status(), e.getMessage()), false);
                    return;
                } finally {
                    idle.cancel(false);
                }
                if (request == null) {
                    return;
                }
                boolean keepAlive = request.keepAlive();
                write(out, respond(request), keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or the idle timer closed the channel: nothing to answer.
        } finally {
            open.remove(ch);
        }
    }

    private HttpResponse respond(HttpRequest request) {
        try {
            return handler.handle(request);
        } catch (Exception | LinkageError e) {
            log.accept(request.method() + " " + request.path() + ": " + e);
            return error(500, String.valueOf(e.getMessage()));
        }
    }

    /** {@code {"message": ...}}, the error body of bypass4netnsd. */
    public static HttpResponse error(int status, String message) {
        StringBuilder json = new StringBuilder("{\"message\":\"");
        for (char c : message.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return HttpResponse.json(status, json.append("\"}").toString());
    }

    private static void write(OutputStream out, HttpResponse response, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder()
                .append("HTTP/1.1 ").append(response.status()).append(' ').append(HttpResponse.reason(response.status()))
                .append("\r\n");
        if (response.contentType() != null) {
            head.append("Content-Type: ").append(response.contentType()).append("\r\n");
        }
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + response.body().length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(response.body(), 0, all, headBytes.length, response.body().length);
        out.write(all);
        out.flush();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops accepting, closes every connection, removes the socket file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        open.forEach(UnixHttpServer::closeQuietly);
        workers.shutdown();
        timer.shutdownNow();
        try {
            acceptor.join(5000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
