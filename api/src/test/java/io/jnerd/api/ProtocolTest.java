package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's answers byte for byte where clients depend on them. */
@Tag("kernel")
class ProtocolTest {

    @TempDir
    Path dir;

    private Daemon daemon;

    @BeforeEach
    void start() throws Exception {
        daemon = Daemon.start("unix://" + dir.resolve("d.sock"), Map.of(), "0.1.0-test", () -> EngineSummary.NONE,
                false, line -> { });
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private String exchange(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(8192);
            while (ch.read(b.clear()) >= 0) {
                all.write(b.array(), 0, b.position());
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static final String API_HEADERS = "Api-Version: 1.44\r\nDocker-Experimental: false\r\nOstype: linux\r\n"
            + "Server: jnerd/0.1.0-test (linux)\r\n";

    @Test
    void pingAnswersHeadAndGetWithMobysHeaders() throws Exception {
        String ping = "Cache-Control: no-cache, no-store, must-revalidate\r\nPragma: no-cache\r\nSwarm: inactive\r\n";
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" + ping + API_HEADERS
                + "Content-Length: 0\r\nConnection: close\r\n\r\n",
                exchange("HEAD /_ping HTTP/1.1\r\nConnection: close\r\n\r\n"));
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n" + ping + API_HEADERS
                + "Content-Length: 2\r\nConnection: close\r\n\r\nOK",
                exchange("GET /v1.24/_ping HTTP/1.1\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void unknownEndpointsAndMethodsAreJson404sAsMobyWritesThem() throws Exception {
        String notFound = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 29\r\n"
                + "Connection: close\r\n\r\n{\"message\":\"page not found\"}\n";
        assertEquals(notFound, exchange("GET /v1.44/nothing/here HTTP/1.1\r\nConnection: close\r\n\r\n"));
        assertEquals(notFound, exchange("DELETE /version HTTP/1.1\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void versionsOutsideTheRangeGetMobys400() throws Exception {
        String tooNew = exchange("GET /v1.45/version HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertTrue(tooNew.startsWith("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"), tooNew);
        assertTrue(tooNew.contains(API_HEADERS), tooNew);
        assertTrue(tooNew.endsWith("\r\n\r\n{\"message\":\"client version 1.45 is too new. Maximum supported API "
                + "version is 1.44\"}\n"), tooNew);
        // Below 1.24 moby answers in plain text: those clients predate JSON errors.
        String tooOld = exchange("GET /v1.23/version HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertTrue(tooOld.startsWith("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "X-Content-Type-Options: nosniff\r\n"), tooOld);
        assertTrue(tooOld.endsWith("\r\n\r\nclient version 1.23 is too old. Minimum supported API version is 1.24, "
                + "please upgrade your client to a newer version\n"), tooOld);
    }
}
