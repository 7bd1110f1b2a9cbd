package io.jnerd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class UnixHttpServerTest {

    private static final int MAX_CONNECTIONS = 8;

    @TempDir
    Path dir;

    private Path socket;
    private UnixHttpServer server;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Throwable> streamEnds = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> hangUps = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("t.sock");
        Router router = new Router(r -> HttpResponse.error(404, "page not found"))
                .add("GET", "/ok", (r, p) -> HttpResponse.json(200, "{\"ok\":true}"))
                .add("POST", "/echo", (r, p) -> HttpResponse.text(200, r.bodyText()))
                .add("GET", "/fail", (r, p) -> {
                    throw new IllegalStateException("broken \"handler\"");
                })
                .add("GET", "/stream", (r, p) -> HttpResponse.stream(200, "application/json", out -> {
                    try {
                        for (int i = 0; ; i++) {
                            out.write(("{\"tick\":" + i + "}\n").getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (IOException e) {
                        streamEnds.add(e);
                        throw e;
                    }
                }))
                .add("GET", "/quiet", (r, p) -> HttpResponse.stream(200, "text/plain", out -> {
                    // A follower with nothing to say (docker logs -f of a silent container) only flushes.
                    try {
                        while (true) {
                            out.flush();
                            Thread.sleep(20);
                        }
                    } catch (IOException e) {
                        streamEnds.add(e);
                        throw e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .add("GET", "/silent", (r, p) -> HttpResponse.stream(200, "text/plain", out -> {
                    // A producer that never writes (a pull stalled inside a layer) learns only from onHangUp.
                    CountDownLatch gone = new CountDownLatch(1);
                    out.onHangUp(gone::countDown);
                    try {
                        hangUps.add(gone.await(30, TimeUnit.SECONDS) ? "told" : "never told");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .add("GET", "/count", (r, p) -> HttpResponse.stream(200, "text/plain", out -> {
                    for (int i = 0; i < 3; i++) {
                        out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }))
                .add("POST", "/attach", (r, p) -> HttpResponse.hijack(200, "application/vnd.docker.raw-stream",
                        raw -> {
                            InputStream in = raw.input();
                            byte[] all = in.readAllBytes();
                            OutputStream out = raw.output();
                            out.write(("got:" + new String(all, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                            raw.closeWrite();
                        }));
        router.add("POST", "/upload", (r, p) -> HttpResponse.text(200, Long.toString(r.bodyStream().transferTo(
                OutputStream.nullOutputStream()))));
        server = UnixHttpServer.start(socket, router, ServerLimits.defaults(MAX_CONNECTIONS).withChunkedBodies(64 * 1024)
                .withStreamedBodies((method, target) -> target.startsWith("/upload"), 4L * 1024 * 1024), log::add);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        assertFalse(Files.exists(socket), "close removes the socket file");
    }

    private static int status(String response) {
        assertTrue(response.startsWith("HTTP/1.1 "), response);
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void socketIsPrivateAndAnotherServerCannotTakeIt() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        IOException live = assertThrows(IOException.class,
                () -> UnixHttpServer.start(socket, r -> HttpResponse.empty(200), ServerLimits.defaults(1), log::add));
        assertTrue(live.getMessage().contains("in use"), live.getMessage());
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        IOException notSocket = assertThrows(IOException.class,
                () -> UnixHttpServer.start(file, r -> HttpResponse.empty(200), ServerLimits.defaults(1), log::add));
        assertTrue(notSocket.getMessage().contains("not a socket"), notSocket.getMessage());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void keepAliveAnswersInOrderAndAHandlerFailureIsA500() throws Exception {
        String all = RawExchange.once(socket, "GET /ok HTTP/1.1\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                + "GET /fail HTTP/1.1\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nabcde"
                + "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 32\r\n\r\n"
                + "{\"message\":\"broken \\\"handler\\\"\"}"
                + "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 28\r\nConnection: close\r\n\r\n"
                + "{\"message\":\"page not found\"}", all);
        assertEquals(1, log.size(), log::toString);
    }

    static Stream<Arguments> garbage() {
        return Stream.of(
                Arguments.of("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u00fc\u0003\u0003\r\n\r\n", 400),
                Arguments.of("hello\r\n\r\n", 400),
                Arguments.of("GET  /ok HTTP/1.1\r\n\r\n", 400),
                Arguments.of("GET http://x/ok HTTP/1.1\r\n\r\n", 400),
                Arguments.of("GET /ok HTTP/2.0\r\n\r\n", 505),
                Arguments.of("GET /ok FOO/1.1\r\n\r\n", 400),
                Arguments.of("GET /ok HTTP/1.1\r\nNo-Colon\r\n\r\n", 400),
                Arguments.of("GET /ok HTTP/1.1\r\nName : v\r\n\r\n", 400),
                Arguments.of("GET /ok HTTP/1.1\r\nA: b\u0000c\r\n\r\n", 400),
                Arguments.of("POST /echo HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
                Arguments.of("POST /echo HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 400),
                Arguments.of("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
                Arguments.of("POST /echo HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n", 413));
    }

    @ParameterizedTest
    @MethodSource("garbage")
    void garbageGetsAJsonErrorAndAClosedConnection(String request, int expected) throws Exception {
        String response = RawExchange.once(socket, request);
        assertEquals(expected, status(response), response);
        assertTrue(response.contains("\r\nContent-Type: application/json\r\n"), response);
        assertTrue(response.contains("\r\nConnection: close\r\n"), response);
        assertTrue(response.contains("\r\n\r\n{\"message\":\""), response);
        assertEquals(200, status(RawExchange.once(socket, "GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n")));
    }

    @Test
    void hugeHeadersAndBodies() throws Exception {
        assertEquals(414, status(RawExchange.once(socket, "GET /" + "a".repeat(8 * 1024) + " HTTP/1.1\r\n\r\n")));
        assertEquals(431, status(RawExchange.once(socket,
                "GET /ok HTTP/1.1\r\n" + ("X-A: " + "b".repeat(1000) + "\r\n").repeat(20) + "\r\n")));
        assertEquals(431, status(RawExchange.once(socket, "GET /ok HTTP/1.1\r\n" + "X: y\r\n".repeat(101) + "\r\n")));
        assertEquals(413, status(RawExchange.once(socket,
                "POST /echo HTTP/1.1\r\nContent-Length: 65537\r\n\r\n")));
        // A chunked body has no length up front: it is cut off where it passes the limit.
        String chunk = Integer.toHexString(32 * 1024) + "\r\n" + "z".repeat(32 * 1024) + "\r\n";
        assertEquals(413, status(RawExchange.once(socket,
                "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk.repeat(3))));
        String nuls = RawExchange.once(socket, "\u0000".repeat(64 * 1024));
        assertEquals(400, status(nuls));
        assertTrue(nuls.endsWith("{\"message\":\"control character in the request line\"}"), nuls);
    }

    @Test
    void aStreamedBodyPassesTheWholeBodyLimitAndTheConnectionServesOn() throws Exception {
        String chunk = Integer.toHexString(64 * 1024) + "\r\n" + "u".repeat(64 * 1024) + "\r\n";
        String both = RawExchange.once(socket, "POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk.repeat(16) + "0\r\n\r\n" + "GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertTrue(both.startsWith("HTTP/1.1 200 ") && both.contains("\r\n\r\n1048576HTTP/1.1 200 "), both);
        assertEquals(413, status(RawExchange.once(socket,
                "POST /upload HTTP/1.1\r\nContent-Length: " + (4L * 1024 * 1024 + 1) + "\r\n\r\n")));
        String cut;
        try {
            cut = RawExchange.once(socket, "POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk.repeat(65));
        } catch (IOException refusedBeforeTheClientWroteItAll) {
            // The server answers and closes at the limit: a client still writing gets EPIPE (seen once in CI).
            cut = "";
        }
        assertFalse(cut.startsWith("HTTP/1.1 200"), "a streamed body past its limit is refused: " + cut);
    }

    @Test
    void aStreamThatWritesNothingIsToldItsClientHungUp() throws Exception {
        try (RawExchange x = new RawExchange(socket)) {
            x.send("GET /silent HTTP/1.1\r\n\r\n");
            assertTrue(x.readHead().startsWith("HTTP/1.1 200 "));
        }
        assertEquals("told", hangUps.poll(60, TimeUnit.SECONDS), "onHangUp ran once the client closed");
    }

    @Test
    void aRequestCutShortByAHalfCloseIsStillAnswered() throws Exception {
        for (String[] c : new String[][] {
            {"GET /o", "request line"},
            {"GET /ok HTTP/1.1\r\nHost: x\r\n", "header section"},
            {"POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}", "body"},
        }) {
            try (RawExchange x = new RawExchange(socket)) {
                x.send(c[0]);
                x.closeWrite();
                String r = x.readToEnd();
                assertEquals(400, status(r), r);
                assertTrue(r.endsWith("{\"message\":\"connection closed inside the " + c[1] + "\"}"), r);
            }
        }
        // Half-closed after a whole request: the answer still comes, then the server closes.
        try (RawExchange x = new RawExchange(socket)) {
            x.send("GET /ok HTTP/1.1\r\n\r\n");
            x.closeWrite();
            String r = x.readToEnd();
            assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n") && r.endsWith("{\"ok\":true}"), r);
        }
    }

    @Test
    void clientsHangingUpAnywhereLeaveNoConnectionFdOrThreadBehind() throws Exception {
        assertEquals(200, status(RawExchange.once(socket, "GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n")));
        long fdsBefore = ServerFds.count(socket);
        long threadsBefore = ServerFds.threads();
        assertEquals(1, fdsBefore, "the listening socket");
        String[] cuts = {
            "GET /o",
            "GET /ok HTTP/1.1\r\nHost: x\r\n",
            "POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}",
            "GET /ok HTTP/1.1\r\n\r\n",
            "GET /stream HTTP/1.1\r\n\r\n",
            "POST /attach HTTP/1.1\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\nsome input",
        };
        for (int i = 0; i < 120; i++) {
            try (RawExchange x = new RawExchange(socket)) {
                x.send(cuts[i % cuts.length]);
                if (i % cuts.length == 4) {
                    x.readHead();
                }
            }
        }
        for (int i = 0; i < 20; i++) {
            assertInstanceOf(IOException.class, streamEnds.poll(30, TimeUnit.SECONDS), "the stream's writer learns the client left");
        }
        // Closing is asynchronous on the server's side: wait for it, bounded.
        for (int i = 0; i < 500 && (server.openConnections() > 0 || ServerFds.count(socket) > fdsBefore); i++) {
            Thread.sleep(20);
        }
        assertEquals(0, server.openConnections());
        assertEquals(fdsBefore, ServerFds.count(socket));
        assertTrue(ServerFds.threads() <= threadsBefore + MAX_CONNECTIONS, "threads: " + ServerFds.threads());
        assertEquals(200, status(RawExchange.once(socket, "GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n")));
        assertEquals(List.of(), log);
    }

    @Test
    void aStreamThatOnlyFlushesLearnsTheClientLeft() throws Exception {
        try (RawExchange x = new RawExchange(socket)) {
            x.send("GET /quiet HTTP/1.1\r\n\r\n");
            x.readHead();
        }
        assertInstanceOf(IOException.class, streamEnds.poll(30, TimeUnit.SECONDS), "flush throws once the client is gone");
    }

    @Test
    void pastMaxConnectionsA503() throws Exception {
        RawExchange[] held = new RawExchange[MAX_CONNECTIONS];
        try {
            for (int i = 0; i < held.length; i++) {
                held[i] = new RawExchange(socket);
            }
            // The server counts a connection when it accepts it: a request on each proves all are in.
            for (RawExchange h : held) {
                h.send("GET /ok HTTP/1.1\r\n\r\n");
                assertTrue(h.readHead().startsWith("HTTP/1.1 200 OK"));
            }
            String r;
            try (RawExchange refused = new RawExchange(socket)) {
                r = refused.readToEnd();
            }
            assertEquals(503, status(r), r);
            assertTrue(r.endsWith("{\"message\":\"too many connections\"}"), r);
        } finally {
            for (RawExchange h : held) {
                if (h != null) {
                    h.close();
                }
            }
        }
    }

    @Test
    void streamedBodiesAreChunked() throws Exception {
        String r = RawExchange.once(socket, "GET /count HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "7\r\nline 0\n\r\n7\r\nline 1\n\r\n7\r\nline 2\n\r\n0\r\n\r\n", r);
    }

    @Test
    void hijackedStreamSurvivesTheClientsHalfClose() throws Exception {
        try (RawExchange x = new RawExchange(socket)) {
            x.send("POST /attach HTTP/1.1\r\nHost: docker\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n");
            assertEquals("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n", x.readHead());
            x.send("hi ");
            x.send("there");
            x.closeWrite();
            assertEquals("got:hi there", x.readToEnd());
        }
        // Without Upgrade (docker before 17.06 and some clients): 200, then the raw stream all the same;
        // input sent right behind the request head is not lost.
        try (RawExchange x = new RawExchange(socket)) {
            x.send("POST /attach HTTP/1.1\r\n\r\nearly");
            x.closeWrite();
            assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\ngot:early",
                    x.readToEnd());
        }
    }

    // Repeated: the threads' own end signals come before they have ended, a race lost in 28 of
    // 300 rounds with two busy CPUs before close() joined them.
    @RepeatedTest(100)
    void closeEndsEveryThreadAndFd() throws Exception {
        RawExchange idle = new RawExchange(socket);
        idle.send("GET /ok HTTP/1.1\r\n\r\n");
        idle.readHead();
        server.close();
        assertEquals(0, ServerFds.count(socket));
        assertEquals(0, ServerFds.threads(), "http threads after close");
        assertEquals("", idle.readToEnd().replaceAll("(?s)^.*?\\{\"ok\":true}", ""));
        idle.close();
    }
}
