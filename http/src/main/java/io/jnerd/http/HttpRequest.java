package io.jnerd.http;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.x request. {@code path} is the request target as sent (with its query); header
 * names are lower case and a repeated header keeps its last value (neither API has
 * list-valued request headers). The body is whole in {@code body}, or, for a request the
 * server's limits stream ({@link ServerLimits#streamedBodies()}), read from {@code stream} as it comes.
 */
public record HttpRequest(String method, String path, String version, Map<String, String> headers, byte[] body,
        InputStream stream) {

    /** A request whose body is whole. */
    public HttpRequest(String method, String path, String version, Map<String, String> headers, byte[] body) {
        this(method, path, version, headers, body, null);
    }

    /** The body as a stream: the streamed one, or the whole one read from memory. */
    public InputStream bodyStream() {
        return stream != null ? stream : new ByteArrayInputStream(body);
    }

    /** The same request with another target (and headers), its body kept as it is. */
    public HttpRequest withTarget(String target, Map<String, String> newHeaders) {
        return new HttpRequest(method, target, version, newHeaders, body, stream);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The target without its query. */
    public String pathWithoutQuery() {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** The first value of query parameter {@code name}, percent-decoded; null when absent or malformed. */
    public String query(String name) {
        int q = path.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : path.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked to keep it. */
    public boolean keepAlive() {
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        return "HTTP/1.1".equals(version) ? !connection.contains("close") : connection.contains("keep-alive");
    }
}
