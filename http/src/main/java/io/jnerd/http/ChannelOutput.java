package io.jnerd.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * A blocking stream onto a channel for a worker thread: each write waits until netty has handed
 * the bytes to the kernel, so a client that stops reading stops the writer (no unbounded queue),
 * and a client that is gone makes the write throw.
 */
final class ChannelOutput extends OutputStream {

    private final Channel channel;
    private final Function<byte[], Object> wrap;
    /**
     * An HTTP body's client that shuts its side is gone (moby's handlers see the same: Go's
     * server cancels a request whose connection reads EOF); a hijacked one may only be done
     * sending (docker's CloseWrite) and still reads.
     */
    private final boolean inputEndIsHangUp;
    private boolean closed;

    private ChannelOutput(Channel channel, Function<byte[], Object> wrap, boolean inputEndIsHangUp) {
        this.channel = channel;
        this.wrap = wrap;
        this.inputEndIsHangUp = inputEndIsHangUp;
    }

    /** Bytes as they are (a hijacked connection, or an HTTP/1.0 body ended by close). */
    static ChannelOutput raw(Channel channel) {
        return new ChannelOutput(channel, Unpooled::wrappedBuffer, false);
    }

    /** Bytes as HTTP content; the encoder makes them chunks when the head said chunked. */
    static ChannelOutput content(Channel channel) {
        return new ChannelOutput(channel, b -> new DefaultHttpContent(Unpooled.wrappedBuffer(b)), true);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        await(channel.writeAndFlush(wrap.apply(copy)));
    }

    /**
     * Writes are flushed already; a flush tells a writer with nothing to write (a follower
     * of a silent log) that the client is gone, as a write would.
     */
    @Override
    public synchronized void flush() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (!channel.isActive()
                || inputEndIsHangUp && channel instanceof DuplexChannel d && d.isInputShutdown()) {
            throw new IOException("client connection lost");
        }
    }

    static void await(ChannelFuture f) throws IOException {
        try {
            f.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to the client");
        }
        if (!f.isSuccess()) {
            throw new IOException("client connection lost: " + f.cause().getMessage(), f.cause());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
