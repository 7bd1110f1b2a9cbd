package io.jnerd.http;

import io.netty.buffer.ByteBuf;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SyscallException;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A hijacked connection as two blocking streams. Input is buffered up to {@link #HIGH_WATER}
 * bytes, then netty stops reading the socket until the consumer catches up. The client's
 * half-close (shutdown(SHUT_WR), Go's {@code CloseWrite}) is an end of {@link #input()} while
 * {@link #output()} keeps working — what {@code echo hi | docker run -i IMG cat} relies on.
 */
public final class RawStream {

    static final int HIGH_WATER = 256 * 1024;

    private final Channel channel;
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private final OutputStream output;
    private final InputStream input = new Input();
    private int queuedBytes;
    private boolean eof;

    RawStream(Channel channel) {
        this.channel = channel;
        this.output = ChannelOutput.raw(channel);
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

    /**
     * Whether the client closed its whole connection, not only its sending side (docker's
     * CloseWrite): lets a hijack with nothing to write notice a client that left. A unix
     * stream socket whose peer closed has both directions shut and polls POLLHUP; a peer's
     * shutdown(SHUT_WR) only shuts our receiving side (net/unix/af_unix.c, unix_poll). Only
     * valid while this side has not half-closed itself ({@link #closeWrite()}).
     */
    public boolean clientGone() {
        if (!channel.isActive()) {
            return true;
        }
        if (!(channel instanceof EpollDomainSocketChannel epoll)) {
            return false;
        }
        // Borrowed, never closed here: netty owns the descriptor.
        Fd borrowed = Fd.adopt(epoll.fd().intValue());
        try {
            int[] revents = new int[1];
            Poll.poll(new Fd[] {borrowed}, new int[] {0}, revents, 0);
            return (revents[0] & (Poll.POLLHUP | Poll.POLLERR | Poll.POLLNVAL)) != 0;
        } catch (SyscallException e) {
            return !channel.isActive();
        } finally {
            borrowed.release();
        }
    }

    /** Half-closes: the client reads EOF, and may still send. */
    public void closeWrite() throws IOException {
        ChannelOutput.await(((DuplexChannel) channel).shutdownOutput());
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

    /** On the event loop: the client half-closed or went away. */
    synchronized void end() {
        eof = true;
        notifyAll();
    }

    private final class Input extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            synchronized (RawStream.this) {
                while (queued.isEmpty() && !eof) {
                    try {
                        RawStream.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading from the client");
                    }
                }
                if (queued.isEmpty()) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                byte[] head = queued.peek();
                int n = Math.min(len, head.length);
                System.arraycopy(head, 0, b, off, n);
                if (n == head.length) {
                    queued.poll();
                } else {
                    byte[] rest = new byte[head.length - n];
                    System.arraycopy(head, n, rest, 0, rest.length);
                    queued.poll();
                    queued.push(rest);
                }
                queuedBytes -= n;
                if (queuedBytes < HIGH_WATER / 2 && !eof && !channel.config().isAutoRead()) {
                    channel.config().setAutoRead(true);
                }
                return n;
            }
        }
    }
}
