package io.jnerd.engine.network;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection to the resident network keeper's socket, either side: lines of UTF-8
 * ({@link NetworkKeeper} lists them), each at most {@value #MAX_LINE} bytes. A read that
 * has a deadline closes the channel when it passes, so neither a keeper that hangs nor a
 * client that sends half a line holds the other's thread.
 */
final class KeeperChannel implements AutoCloseable {
    /** A keep request is a few hundred bytes; a line past this is garbage. */
    static final int MAX_LINE = 16 * 1024;
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_LINE + 1).flip();

    KeeperChannel(SocketChannel channel) {
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * The next line, null at end of input; {@code timeout} null: no deadline.
     *
     * @throws InterruptedIOException when the deadline passed first (the channel is closed then)
     */
    String readLine(Duration timeout) throws IOException {
        if (timeout == null) {
            return readLine();
        }
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (settled.compareAndSet(false, true)) {
                close();
            }
        });
        String line;
        try {
            line = readLine();
        } catch (IOException e) {
            if (settled.compareAndSet(false, true)) {
                throw e;
            }
            line = null;
        }
        if (!settled.compareAndSet(false, true)) {
            throw new InterruptedIOException("no answer within " + timeout.toSeconds() + " s");
        }
        return line;
    }

    private String readLine() throws IOException {
        ByteBuffer line = ByteBuffer.allocate(MAX_LINE);
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return new String(line.array(), 0, line.position(), StandardCharsets.UTF_8);
                }
                if (!line.hasRemaining()) {
                    throw new IOException("a line longer than " + MAX_LINE + " bytes");
                }
                line.put(b);
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                return null;
            }
        }
    }

    void writeLine(String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** Tells the other side no more lines come; it may still answer. */
    void endOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // Closed already: the other side saw its end.
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing held: a unix socket's close does not fail in a way one could act on.
        }
    }
}
