package io.jnerd.netns.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One parsed HTTP/1.x request. Header names are lower case; a repeated header keeps its
 * last value (the API has no list-valued headers).
 */
public record HttpRequest(String method, String path, String version, Map<String, String> headers, byte[] body) {

    public String header(String name) {
        return headers.get(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked to keep it. */
    public boolean keepAlive() {
        String connection = headers.getOrDefault("connection", "").toLowerCase(java.util.Locale.ROOT);
        return "HTTP/1.1".equals(version) ? !connection.contains("close") : connection.contains("keep-alive");
    }
}
