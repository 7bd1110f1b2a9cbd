package io.jnerd.netns.bypassd;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Client of a bypass4netnsd-compatible daemon ({@code jnerd bypassd}, or bypass4netnsd
 * itself) on its unix socket: what {@code jnerd run --net=bypass4netns} uses. One request per
 * connection ({@code Connection: close}), so the response ends at EOF.
 */
public final class BypassClient {

    private static final int MAX_RESPONSE = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;

    public BypassClient(Path socket) {
        this.socket = socket;
    }

    /** {@code POST /v1/bypass}. @throws IOException with the daemon's message on a non-2xx answer */
    public BypassStatus start(BypassSpec spec) throws IOException {
        return JSON.readValue(call("POST", "/v1/bypass", BypassJson.write(spec)), BypassStatus.class);
    }

    public List<BypassStatus> list() throws IOException {
        String body = call("GET", "/v1/bypass", null);
        // Go's bypass4netnsd writes a nil slice as null.
        List<BypassStatus> out = JSON.readValue(body, new TypeReference<List<BypassStatus>>() {});
        return out == null ? List.of() : out;
    }

    public void stop(String id) throws IOException {
        call("DELETE", "/v1/bypass/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
    }

    /** jnerd's extension; bypass4netnsd answers 404. */
    public BypassStatsReport stats(String id) throws IOException {
        return JSON.readValue(call("GET", "/v1/bypass/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/stats", null),
                BypassStatsReport.class);
    }

    private String call(String method, String path, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: bypass4netnsd\r\nConnection: close\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n")
                + "Content-Length: " + content.length + "\r\n\r\n";
        byte[] response;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.allocate(head.length() + content.length);
            out.put(head.getBytes(StandardCharsets.ISO_8859_1)).put(content).flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            response = readToEof(ch);
        } catch (IOException e) {
            throw new IOException("bypassd at " + socket + ": " + e.getMessage(), e);
        }
        return bodyOf(method + " " + path, response);
    }

    private static byte[] readToEof(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            all.write(buf.array(), 0, buf.position());
            buf.clear();
            if (all.size() > MAX_RESPONSE) {
                throw new IOException("response larger than " + MAX_RESPONSE + " bytes");
            }
        }
        return all.toByteArray();
    }

    /** The body of a 2xx response; otherwise an IOException with the daemon's {"message"}. */
    private static String bodyOf(String request, byte[] response) throws IOException {
        String text = new String(response, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) {
            throw new IOException("bypassd " + request + ": not an HTTP response");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            throw new IOException("bypassd " + request + ": bad status line \"" + lines[0] + "\"");
        }
        String body = text.substring(end + 4);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(lines[i].substring(15).trim());
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                body = new String(bytes, 0, Math.min(length, bytes.length), StandardCharsets.UTF_8);
            }
        }
        if (status / 100 != 2) {
            String message = body;
            try {
                message = JSON.readTree(body).path("message").asText(body);
            } catch (IOException notJson) {
                // keep the raw body
            }
            throw new IOException("bypassd " + request + ": " + status + " " + message.trim());
        }
        return body;
    }
}
