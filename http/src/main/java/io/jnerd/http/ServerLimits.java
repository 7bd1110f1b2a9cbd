package io.jnerd.http;

import java.time.Duration;

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
 */
public record ServerLimits(int maxConnections, int maxRequestLine, int maxHeaderBytes, int maxHeaders, int maxBody,
        Duration idleTimeout, boolean chunkedBodies) {

    /**
     * bypassd's limits since its first version: its clients (nerdctl's Go client, curl) send
     * small JSON bodies with Content-Length, so a chunked body is refused with 501.
     */
    public static ServerLimits defaults(int maxConnections) {
        return new ServerLimits(maxConnections, 8 * 1024, 16 * 1024, 100, 1024 * 1024, Duration.ofSeconds(30), false);
    }

    /** Bodies of up to {@code bytes}, chunked or not (the docker CLI streams a body of unknown length chunked). */
    public ServerLimits withChunkedBodies(int bytes) {
        return new ServerLimits(maxConnections, maxRequestLine, maxHeaderBytes, maxHeaders, bytes, idleTimeout, true);
    }

    public ServerLimits withIdleTimeout(Duration timeout) {
        return new ServerLimits(maxConnections, maxRequestLine, maxHeaderBytes, maxHeaders, maxBody, timeout,
                chunkedBodies);
    }
}
