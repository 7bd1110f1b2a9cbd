package io.jnerd.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import io.jnerd.http.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
                false, line -> { }, api -> api.routes().add("POST", "/containers/{id}/attach", (r, p) -> {
                    // moby's attach without a TTY: stdin in raw, stdout out in frames; newer clients
                    // are told the stream is multiplexed.
                    String type = ApiVersion.compare(DockerApi.apiVersion(r), "1.42") >= 0
                            ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream";
                    return HttpResponse.hijack(200, type, raw -> {
                        OutputStream stdout = new MultiplexedStream(raw.output(), MultiplexedStream.STDOUT);
                        raw.input().transferTo(stdout);
                        new MultiplexedStream(raw.output(), MultiplexedStream.STDERR).write("EOF\n".getBytes(UTF_8));
                        raw.closeWrite();
                    });
                }));
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    private String exchange(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ch.shutdownOutput();
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
    void attachIsUpgradedToARawStreamThatSurvivesTheClientsHalfClose() throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
            ch.write(ByteBuffer.wrap(("POST /v1.44/containers/c1/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\n"
                    + "Host: api.moby.localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n").getBytes(UTF_8)));
            String head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
                    + API_HEADERS + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
            ByteBuffer got = ByteBuffer.allocate(head.length());
            while (got.hasRemaining() && ch.read(got) >= 0) {
                // the head, exactly
            }
            assertEquals(head, new String(got.array(), UTF_8));
            ch.write(ByteBuffer.wrap("hi\n".getBytes(UTF_8)));
            ch.shutdownOutput();
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(8192);
            while (ch.read(b.clear()) >= 0) {
                rest.write(b.array(), 0, b.position());
            }
            assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n', 2, 0, 0, 0, 0, 0, 0, 4, 'E', 'O', 'F', '\n'},
                    rest.toByteArray());
        }
        String old = exchange("POST /v1.41/containers/c1/attach HTTP/1.1\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n");
        assertTrue(old.startsWith("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"), old);
    }

    @Test
    void aHundredConcurrentRequestsAreAllAnswered() throws Exception {
        List<Callable<String>> pings = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pings.add(() -> exchange("GET /v1.41/version HTTP/1.1\r\nConnection: close\r\n\r\n"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(100);
        try {
            for (Future<String> f : clients.invokeAll(pings)) {
                String r = f.get();
                assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n") && r.contains("\"ApiVersion\":\"1.44\""), r);
            }
        } finally {
            clients.shutdown();
        }
    }

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
