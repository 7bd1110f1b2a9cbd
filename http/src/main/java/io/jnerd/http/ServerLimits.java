package io.jnerd.http;

import java.time.Duration;
import java.util.function.BiPredicate;

/**
 * What one server accepts, so a client cannot make it buffer or hold without bound.
 *
 * @param maxConnections connections served at once; the next one gets a 503
 * @param maxRequestLine bytes of the request line (more: 414)
 * @param maxHeaderBytes bytes of the header section (more: 431)
 * @param maxHeaders     header fields (more: 431)
 * @param maxBody        bytes of a request body (more: 413)
 * @param idleTimeout    how long a connection may take to send a whole request
 * @param chunkedBodies  whether a body may come with {@code Transfer-Encoding: chunked} (else 501)
 * @param streamedBodies the requests (method, target as sent) whose body the handler reads as it
 *                       comes ({@link HttpRequest#bodyStream()}) instead of whole: archives
 * @param maxStreamedBody bytes of such a body (more: the connection is cut)
 */
public record ServerLimits(int maxConnections, int maxRequestLine, int maxHeaderBytes, int maxHeaders, int maxBody,
        Duration idleTimeout, boolean chunkedBodies, BiPredicate<String, String> streamedBodies, long maxStreamedBody) {

    /**
     * bypassd's limits since its first version: its clients (nerdctl's Go client, curl) send
     * small JSON bodies with Content-Length, so a chunked body is refused with 501.
     */
    public static ServerLimits defaults(int maxConnections) {
        return new ServerLimits(maxConnections, 8 * 1024, 16 * 1024, 100, 1024 * 1024, Duration.ofSeconds(30), false,
                (method, target) -> false, 0);
    }

    /** Bodies of up to {@code bytes}, chunked or not (the docker CLI streams a body of unknown length chunked). */
    public ServerLimits withChunkedBodies(int bytes) {
        return new ServerLimits(maxConnections, maxRequestLine, maxHeaderBytes, maxHeaders, bytes, idleTimeout, true,
                streamedBodies, maxStreamedBody);
    }

    public ServerLimits withIdleTimeout(Duration timeout) {
        return new ServerLimits(maxConnections, maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, timeout,
                chunkedBodies, streamedBodies, maxStreamedBody);
    }

    /**
     * Bodies of the requests {@code which} accepts (method, target as sent) are handed to the
     * handler as they arrive, up to {@code bytes}, the handler running meanwhile: an archive
     * larger than any body worth holding in memory.
     */
    public ServerLimits withStreamedBodies(BiPredicate<String, String> which, long bytes) {
        return new ServerLimits(maxConnections, maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, idleTimeout,
                chunkedBodies, which, bytes);
    }
}
