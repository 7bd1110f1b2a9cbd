package io.jnerd.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Bytes from the client for a blocking reader on a worker thread (a hijacked stream's input, a
 * streamed request body). Up to {@link #HIGH_WATER} bytes are queued, then netty stops reading
 * the socket until the reader catches up, so a fast client cannot make the server buffer
 * without bound. The event loop offers and ends; a reader that waits longer than its timeout
 * for the next bytes gets an IOException.
 */
final class InboundBytes extends InputStream {

    static final int HIGH_WATER = 256 * 1024;

    private final Channel channel;
    private final Duration timeout;
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private int queuedBytes;
    private boolean eof;
    private String failure;

    /** @param timeout how long a read waits for bytes; null: as long as it takes */
    InboundBytes(Channel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
    }

    /** On the event loop: bytes from the client. */
    synchronized void offer(ByteBuf buf) {
        try {
            if (!eof && buf.isReadable()) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                queued.add(bytes);
                queuedBytes += bytes.length;
                if (queuedBytes >= HIGH_WATER) {
                    channel.config().setAutoRead(false);
                }
                notifyAll();
            }
        } finally {
            buf.release();
        }
    }

    /** On the event loop: nothing more will come; what is queued is still read. */
    synchronized void end() {
        eof = true;
        notifyAll();
    }

    /** Nothing more will come and what came is incomplete: the reader gets {@code why} as an IOException. */
    synchronized void fail(String why) {
        if (!eof) {
            failure = why;
            eof = true;
            notifyAll();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (queued.isEmpty() && !eof) {
            long wait = timeout == null ? 0 : (deadline - System.nanoTime()) / 1_000_000;
            if (timeout != null && wait <= 0) {
                throw new IOException("no bytes from the client for " + timeout.toSeconds() + " s");
            }
            try {
                wait(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from the client");
            }
        }
        if (queued.isEmpty()) {
            if (failure != null) {
                throw new IOException(failure);
            }
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        byte[] head = queued.poll();
        int n = Math.min(len, head.length);
        System.arraycopy(head, 0, b, off, n);
        if (n < head.length) {
            byte[] rest = new byte[head.length - n];
            System.arraycopy(head, n, rest, 0, rest.length);
            queued.push(rest);
        }
        queuedBytes -= n;
        if (queuedBytes < HIGH_WATER / 2 && !eof && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        return n;
    }
}
