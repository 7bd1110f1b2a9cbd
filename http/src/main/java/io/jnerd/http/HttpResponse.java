package io.jnerd.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A response: a complete body, a streamed body ({@link StreamBody}), or a hijack ({@link Hijack})
 * that takes over the connection after the head. Immutable; {@link #withHeader} makes a copy.
 */
public final class HttpResponse {

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final List<Map.Entry<String, String>> headers;
    private final StreamBody stream;
    private final Hijack hijack;

    private HttpResponse(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers,
            StreamBody stream, Hijack hijack) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = headers;
        this.stream = stream;
        this.hijack = hijack;
    }

    public static HttpResponse of(int status, String contentType, byte[] body) {
        return new HttpResponse(status, contentType, body.clone(), List.of(), null, null);
    }

    public static HttpResponse json(int status, String json) {
        return new HttpResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), List.of(), null, null);
    }

    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), List.of(),
                null, null);
    }

    public static HttpResponse empty(int status) {
        return new HttpResponse(status, null, new byte[0], List.of(), null, null);
    }

    /** {@code {"message": ...}}: the error body of bypass4netnsd and of the Docker Engine API. */
    public static HttpResponse error(int status, String message) {
        return json(status, "{\"message\":" + Json.quote(message) + "}");
    }

    /** A body written while it is produced, with chunked transfer coding. */
    public static HttpResponse stream(int status, String contentType, StreamBody body) {
        return new HttpResponse(status, contentType, new byte[0], List.of(), body, null);
    }

    /**
     * Takes the connection over after a head with {@code status}: 101 when the client asked to
     * upgrade (the server adds {@code Connection: Upgrade}), else 200 and the raw stream all the same.
     */
    public static HttpResponse hijack(int status, String contentType, Hijack hijack) {
        return new HttpResponse(status, contentType, new byte[0], List.of(), null, hijack);
    }

    public HttpResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new HttpResponse(status, contentType, body, Collections.unmodifiableList(more), stream, hijack);
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    byte[] bodyUnsafe() {
        return body;
    }

    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    public StreamBody stream() {
        return stream;
    }

    public Hijack hijackHandler() {
        return hijack;
    }

    /** The reason phrases this server sends (moby's for its own statuses, RFC 9110's otherwise). */
    public static String reason(int status) {
        switch (status) {
            case 101: return "UPGRADED";
            case 200: return "OK";
            case 201: return "Created";
            case 204: return "No Content";
            case 304: return "Not Modified";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 411: return "Length Required";
            case 413: return "Content Too Large";
            case 414: return "URI Too Long";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return "Status " + status;
        }
    }
}
