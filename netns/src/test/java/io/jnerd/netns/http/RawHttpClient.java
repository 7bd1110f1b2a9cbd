package io.jnerd.netns.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** A test client on a real unix socket: sends raw bytes, parses responses by Content-Length. */
public final class RawHttpClient implements AutoCloseable {

    public record Response(int status, String contentType, String body, boolean close) {}

    private final SocketChannel ch;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public RawHttpClient(Path socket) throws IOException {
        ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    public static Response once(Path socket, String method, String path, String body) throws IOException {
        try (RawHttpClient c = new RawHttpClient(socket)) {
            return c.request(method, path, body);
        }
    }

    public Response request(String method, String path, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: bypass4netnsd\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n") + "\r\n";
        send(head.getBytes(StandardCharsets.ISO_8859_1));
        send(b);
        return readResponse();
    }

    public void send(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    public Response readResponse() throws IOException {
        String head;
        while ((head = headIfComplete()) == null) {
            fill();
        }
        byte[] all = pending.toByteArray();
        int bodyStart = head.length() + 4;
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        int length = 0;
        String type = null;
        boolean close = false;
        for (int i = 1; i < lines.length; i++) {
            String[] kv = lines[i].split(":", 2);
            String name = kv[0].toLowerCase(Locale.ROOT);
            String value = kv[1].trim();
            if (name.equals("content-length")) {
                length = Integer.parseInt(value);
            } else if (name.equals("content-type")) {
                type = value;
            } else if (name.equals("connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        while (all.length < bodyStart + length) {
            fill();
            all = pending.toByteArray();
        }
        String body = new String(all, bodyStart, length, StandardCharsets.UTF_8);
        pending.reset();
        pending.write(all, bodyStart + length, all.length - bodyStart - length);
        return new Response(status, type, body, close);
    }

    /** True when the server closed the connection (read gives EOF). */
    public boolean closedByServer() throws IOException {
        try {
            return ch.read(ByteBuffer.allocate(1)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String headIfComplete() {
        String s = pending.toString(StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        return end < 0 ? null : s.substring(0, end);
    }

    private void fill() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        if (ch.read(buf) < 0) {
            throw new IOException("server closed the connection");
        }
        pending.write(buf.array(), 0, buf.position());
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
