package io.jnerd.http;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.SyscallException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A hijacked connection as two blocking streams, the input queued as {@link InboundBytes}
 * does it (bounded, netty's reading paused meanwhile). The client's half-close (shutdown(SHUT_WR), Go's {@code CloseWrite}) is an end of {@link #input()} while
 * {@link #output()} keeps working — what {@code echo hi | docker run -i IMG cat} relies on.
 */
public final class RawStream {

    private final Channel channel;
    private final OutputStream output;
    private final InboundBytes input;

    RawStream(Channel channel) {
        this.channel = channel;
        this.output = ChannelOutput.raw(channel);
        this.input = new InboundBytes(channel, null);
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
    void offer(ByteBuf buf) {
        input.offer(buf);
    }

    /** On the event loop: the client half-closed or went away. */
    void end() {
        input.end();
    }
}
