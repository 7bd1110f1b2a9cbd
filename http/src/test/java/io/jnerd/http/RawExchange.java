package io.jnerd.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A client that speaks raw bytes: what garbage, hang-ups and hijacked streams need (also api's and cli's tests). */
public final class RawExchange implements AutoCloseable {

    final SocketChannel ch;

    public RawExchange(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
    }

    RawExchange(SocketChannel connected) {
        ch = connected;
    }

    /** Sends {@code request} and reads until the server closes. */
    public static String once(Path socket, String request) throws IOException {
        try (RawExchange c = new RawExchange(socket)) {
            c.send(request);
            return c.readToEnd();
        }
    }

    public void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    public void closeWrite() throws IOException {
        ch.shutdownOutput();
    }

    public String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        try {
            while (ch.read(b.clear()) >= 0) {
                all.write(b.array(), 0, b.position());
            }
        } catch (IOException reset) {
            // a server that closes with unread input resets: what came before still counts
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads up to and including the blank line that ends a response head. */
    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            if (ch.read(one.clear()) < 0) {
                throw new IOException("closed inside the head: " + head);
            }
            head.write(one.get(0));
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
