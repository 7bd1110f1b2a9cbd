package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.bypass.OwnFds;
import io.jnerd.netns.http.RawHttpClient;
import io.jnerd.netns.http.RawHttpClient.Response;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class BypassDaemonTest {

    @TempDir
    Path dir;

    private Path socket;
    private BypassDaemon daemon;
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("bypass4netnsd.sock");
        daemon = new BypassDaemon(log::add);
        daemon.start(socket);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
        assertFalse(Files.exists(socket), "the daemon removes its socket");
    }

    private String spec(String id) {
        return "{\"id\":\"" + id + "\",\"socketPath\":\"" + dir.resolve(id + ".sock") + "\",\"pidFilePath\":\""
                + dir.resolve(id + ".pid") + "\",\"logFilePath\":\"" + dir.resolve(id + ".log") + "\","
                + "\"portMapping\":[{\"protos\":[\"tcp\"],\"parentIP\":\"\",\"parentPort\":8080,\"childIP\":\"\",\"childPort\":80}],"
                + "\"ignoreSubnets\":[\"127.0.0.0/8\",\"auto\"]}";
    }

    @Test
    void socketIsPrivate() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void lifecycleOfOneBypass() throws Exception {
        assertEquals(new Response(200, "application/json", "[]", false),
                RawHttpClient.once(socket, "GET", "/v1/bypass", null));

        Response created = RawHttpClient.once(socket, "POST", "/v1/bypass", spec("c1"));
        assertEquals(201, created.status(), created.body());
        long pid = ProcessHandle.current().pid();
        assertTrue(created.body().startsWith("{\"id\":\"c1\",\"pid\":" + pid + ",\"spec\":{\"id\":\"c1\","), created.body());

        Path agent = dir.resolve("c1.sock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(agent)));
        assertEquals(pid + "\n", Files.readString(dir.resolve("c1.pid")));
        // An empty connection is how crun reports a container that failed early: the agent
        // counts it as a connection that brought no listener.
        SocketChannel.open(UnixDomainSocketAddress.of(agent)).close();
        Response stats = null;
        for (int i = 0; i < 100; i++) {
            stats = RawHttpClient.once(socket, "GET", "/v1/bypass/c1/stats", null);
            if (stats.body().contains("\"agentConnectionsRejected\":1")) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(200, stats.status());
        assertTrue(stats.body().contains("\"agentConnectionsRejected\":1,") || stats.body().endsWith("\"agentConnectionsRejected\":1}"),
                stats.body());
        assertTrue(stats.body().contains("\"listenersReceived\":0"), stats.body());

        Response list = RawHttpClient.once(socket, "GET", "/v1/bypass", null);
        assertTrue(list.body().startsWith("[{\"id\":\"c1\""), list.body());

        Response dup = RawHttpClient.once(socket, "POST", "/v1/bypass", spec("c1"));
        assertEquals(new Response(400, "application/json", "{\"message\":\"bypass \\\"c1\\\" already exists\"}", false), dup);

        assertEquals(200, RawHttpClient.once(socket, "DELETE", "/v1/bypass/c1", null).status());
        assertFalse(Files.exists(agent), "DELETE removes the agent socket");
        assertFalse(Files.exists(dir.resolve("c1.pid")));
        String bypassLog = Files.readString(dir.resolve("c1.log"));
        assertTrue(bypassLog.contains("bypass c1 started (agent socket " + agent + ")")
                && bypassLog.contains("bypass c1 stopped"), bypassLog);

        Response gone = RawHttpClient.once(socket, "DELETE", "/v1/bypass/c1", null);
        assertEquals(new Response(404, "application/json", "{\"message\":\"bypass \\\"c1\\\" does not exist\"}", false), gone);
        assertEquals(404, RawHttpClient.once(socket, "GET", "/v1/bypass/c1/stats", null).status());
    }

    @Test
    void badSpecsGet400AndTheDaemonKeepsServing() throws Exception {
        Response unknown = RawHttpClient.once(socket, "POST", "/v1/bypass", "{\"id\":\"c2\",\"bogus\":true}");
        assertEquals("{\"message\":\"unknown field \\\"bogus\\\" in BypassSpec\"}", unknown.body());
        assertEquals(400, unknown.status());

        Response type = RawHttpClient.once(socket, "POST", "/v1/bypass",
                "{\"id\":\"c2\",\"socketPath\":\"/x\",\"portMapping\":[{\"parentPort\":\"80\"}]}");
        assertEquals(400, type.status());
        assertTrue(type.body().contains("portMapping[0].parentPort: expected an integer"), type.body());

        String noDir = spec("c3").replace(dir.resolve("c3.sock").toString(), dir.resolve("missing/c3.sock").toString());
        Response uncreatable = RawHttpClient.once(socket, "POST", "/v1/bypass", noDir);
        assertEquals(400, uncreatable.status());
        assertTrue(uncreatable.body().startsWith("{\"message\":\"cannot create socketPath " + dir.resolve("missing/c3.sock")),
                uncreatable.body());

        assertEquals(200, RawHttpClient.once(socket, "GET", "/v1/bypass", null).status());
        assertEquals("[]", RawHttpClient.once(socket, "GET", "/v1/bypass", null).body(), "nothing was registered");
    }

    @Test
    void clientPathsAreNotFollowedThroughSymlinksNorOutsideTheRuntimeDir() throws Exception {
        Path outside = Files.createTempDirectory("bypassd-outside");
        try {
            Path victim = Files.writeString(outside.resolve("victim"), "precious\n");
            Files.createSymbolicLink(dir.resolve("c4.pid"), victim);
            Response planted = RawHttpClient.once(socket, "POST", "/v1/bypass", spec("c4"));
            assertEquals(new Response(400, "application/json", "{\"message\":\"field pidFilePath: " + dir.resolve("c4.pid")
                    + " is a symbolic link\"}", false), planted);
            assertEquals("precious\n", Files.readString(victim));
            assertFalse(Files.exists(dir.resolve("c4.sock"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing was made");
            assertFalse(Files.exists(dir.resolve("c4.log")), "nothing was made");

            String elsewhere = spec("c5").replace(dir.resolve("c5.sock").toString(), outside.resolve("c5.sock").toString());
            Response out = RawHttpClient.once(socket, "POST", "/v1/bypass", elsewhere);
            assertEquals(400, out.status());
            assertEquals("{\"message\":\"field socketPath: " + outside.resolve("c5.sock") + " is not under the runtime dir "
                    + dir + "\"}", out.body());
            assertFalse(Files.exists(outside.resolve("c5.sock")));

            // A directory inside the runtime dir that leads outside it is outside it.
            Files.createSymbolicLink(dir.resolve("link"), outside);
            String through = spec("c6").replace(dir.resolve("c6.pid").toString(), dir.resolve("link/c6.pid").toString());
            assertEquals(400, RawHttpClient.once(socket, "POST", "/v1/bypass", through).status());
            assertFalse(Files.exists(outside.resolve("c6.pid")));

            Path shared = Files.createDirectory(dir.resolve("shared"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            String world = spec("c7").replace(dir.resolve("c7.sock").toString(), shared.resolve("c7.sock").toString());
            Response writable = RawHttpClient.once(socket, "POST", "/v1/bypass", world);
            assertEquals("{\"message\":\"field socketPath: " + shared.resolve("c7.sock") + " its directory " + shared
                    + " is writable by group or others\"}", writable.body());

            Files.createLink(dir.resolve("c9.pid"), victim);
            Response linked = RawHttpClient.once(socket, "POST", "/v1/bypass", spec("c9"));
            assertEquals("{\"message\":\"field pidFilePath: " + dir.resolve("c9.pid") + " has other hard links\"}",
                    linked.body());
            assertEquals("precious\n", Files.readString(victim));

            String dotdot = spec("c8").replace(dir.resolve("c8.pid").toString(), dir + "/x/../c8.pid");
            assertEquals(400, RawHttpClient.once(socket, "POST", "/v1/bypass", dotdot).status());
            assertEquals("[]", RawHttpClient.once(socket, "GET", "/v1/bypass", null).body(), "nothing was registered");
        } finally {
            try (var walk = Files.walk(outside)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void garbageGets400AndAClosedConnection() throws Exception {
        try (RawHttpClient c = new RawHttpClient(socket)) {
            c.send("\u0016\u0003\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Response r = c.readResponse();
            assertEquals(400, r.status());
            assertTrue(r.close());
            assertTrue(c.closedByServer());
        }
        try (RawHttpClient c = new RawHttpClient(socket)) {
            c.send(new byte[64 * 1024]);
            assertTrue(List.of(400, 414).contains(c.readResponse().status()));
        }
        assertEquals(200, RawHttpClient.once(socket, "GET", "/v1/bypass", null).status());
    }

    @Test
    void keepAliveServesSeveralRequestsAndRoutesAreChecked() throws Exception {
        try (RawHttpClient c = new RawHttpClient(socket)) {
            assertEquals(200, c.request("GET", "/v1/bypass", null).status());
            assertEquals(404, c.request("GET", "/v2/bypass", null).status());
            assertEquals(405, c.request("PUT", "/v1/bypass", "{}").status());
            assertEquals(405, c.request("GET", "/v1/bypass/c1", null).status());
            assertEquals(200, c.request("GET", "/v1/bypass", null).status());
        }
    }

    @Test
    void manyBypassesLeaveNoThreadsOrFdsBehind() throws Exception {
        // Warm up pools and class loading before measuring.
        cycle("warm");
        long fdsBefore = openFds();
        for (int i = 0; i < 200; i++) {
            cycle("c" + i);
        }
        Thread.sleep(100);
        // Each bypass's accept thread ends with it; connection threads are pooled and bounded.
        List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of(), names.stream().filter(n -> n.startsWith("seccomp-agent")).collect(
                java.util.stream.Collectors.toList()));
        assertTrue(names.stream().filter(n -> n.startsWith("http-conn-")).count() <= BypassDaemon.MAX_CONNECTIONS, names::toString);
        assertTrue(openFds() <= fdsBefore + 2, "fds grew from " + fdsBefore + " to " + openFds());
    }

    private void cycle(String id) throws Exception {
        assertEquals(201, RawHttpClient.once(socket, "POST", "/v1/bypass", spec(id)).status());
        assertEquals(200, RawHttpClient.once(socket, "DELETE", "/v1/bypass/" + id, null).status());
    }

    /** What a bypass holds: its agent socket, connections, listeners, pidfds; not the JVM's jars and pipes. */
    private static long openFds() {
        return OwnFds.count(OwnFds.SOCKET.or(OwnFds.PIDFD).or(OwnFds.LISTENER));
    }
}
