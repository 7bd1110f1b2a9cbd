package io.jnerd.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import io.jnerd.http.ServerFds;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send garbage or hang up mid-request: the daemon keeps serving and holds
 * nothing of them afterwards — no connection fd, no connection thread busy in a request
 * (the server's own: its sockets by /proc/net/unix, its threads by name).
 */
@Tag("kernel")
class HangUpLeakTest {

    @TempDir
    Path dir;

    private Daemon daemon;

    @BeforeEach
    void start() throws Exception {
        daemon = Daemon.start("unix://" + dir.resolve("d.sock"), Map.of(), "0.1.0-test", () -> EngineSummary.NONE,
                false, line -> { }, api -> api.routes().add("POST", "/echo", (r, p) ->
                        io.jnerd.http.HttpResponse.text(200, r.bodyText())));
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }

    @Test
    void garbageAndHangUpsMidRequestLeaveNoFdsOrBusyThreads() throws Exception {
        // Before any connection: the listener alone (a closed client's server side goes asynchronously).
        long fdsBefore = serverFds();
        assertEquals(1, fdsBefore, "the listening socket");
        assertEquals("HTTP/1.1 200", exchange("GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n").substring(0, 12));

        byte[] random = new byte[4096];
        new Random(16).nextBytes(random);
        List<byte[]> attacks = new ArrayList<>(List.of(
                random,
                "GET /containers/js".getBytes(US_ASCII),
                "POST /echo HTTP/1.1\r\nHost: d\r\nContent-Length: 100000\r\n\r\npartial".getBytes(US_ASCII),
                "POST /echo HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\nhalf a chunk".getBytes(US_ASCII),
                ("GET /_ping HTTP/1.1\r\nHost: d\r\nX-Big: " + "a".repeat(200_000)).getBytes(US_ASCII),
                "GET /_ping HTTP/1.1\r\nHost: d\r\n".getBytes(US_ASCII)));
        for (int round = 0; round < 20; round++) {
            for (byte[] attack : attacks) {
                try (SocketChannel ch = connect()) {
                    ch.write(ByteBuffer.wrap(attack));
                } catch (IOException refusedMidWrite) {
                    // the server may close first on what it already refused: that is fine too
                }
            }
        }

        assertEquals("HTTP/1.1 200", exchange("GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n").substring(0, 12),
                "the daemon still serves");
        // The hang-ups reach the server asynchronously: wait (bounded) for it to let go.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((serverFds() != fdsBefore || ServerFds.busyWorkers() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(fdsBefore, serverFds(), "the listening socket alone, as before");
        assertEquals(0, ServerFds.busyWorkers(), "no connection thread is still in a request");
        assertEquals(1, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("http-loop ")).count(), "one event loop");
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
        return ch;
    }

    private String exchange(String request) throws IOException {
        try (SocketChannel ch = connect()) {
            ch.write(ByteBuffer.wrap(request.getBytes(US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (buf.position() < 12 && ch.read(buf) >= 0) {
                // until the status line is in
            }
            return new String(buf.array(), 0, buf.position(), US_ASCII);
        }
    }

    /** The listening socket and every connection the daemon's server accepted (by /proc/net/unix). */
    private long serverFds() throws IOException {
        return ServerFds.count(daemon.socket());
    }
}
