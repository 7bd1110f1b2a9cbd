package io.jnerd.cli.daemon;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.Daemon;
import io.jnerd.api.EngineRoutes;
import io.jnerd.api.EngineSummary;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.StallingRegistry;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.container.RunningTasks;
import io.jnerd.http.RawExchange;
import io.jnerd.http.ServerFds;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.ListContainersRequest;
import io.jnerd.proto.testing.ContainerdFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage and floods against the daemon's engine routes over a real containerd (the
 * protocol layer alone is HangUpLeakTest's and ProtocolTest's): the daemon keeps answering,
 * and afterwards holds what it held before — connection fds, threads, containers, leases.
 * The daemon runs in this JVM so its threads and fds can be counted.
 */
@Tag("privileged")
class DaemonAbuseTest {
    static ContainerdFixture fixture;
    static Containerd containerd;
    static RunningTasks running;
    static Daemon daemon;
    static Cli cli;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        fixture = ContainerdFixture.start();
        cli = new Cli(fixture, tmp.resolve("state"));
        assertEquals(0, cli.run("load", "-i", TestImages.busyboxArchive(tmp).toString()).exitCode);
        Cli.Result run = cli.run("run", "-d", "--name", "target", "--net", "none", TestImages.NAME, "sleep", "300");
        assertEquals(0, run.exitCode, run.toString());
        containerd = fixture.connect();
        running = RunningTasks.follow(containerd, line -> { });
        daemon = Daemon.start("unix://" + tmp.resolve("d.sock"), Map.of(), "test", EngineRoutes.summary(containerd,
                running, "/var/lib/jnerd", false), false, line -> { }, api -> EngineRoutes.register(api, containerd,
                Map.of(), "overlayfs", cli.stateDir(), Optional.empty(), io.jnerd.cli.Main.class.getName(), line -> { },
                running));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
            if (running != null) {
                running.close();
            }
            if (containerd != null) {
                containerd.close();
            }
            if (cli != null) {
                assertEquals(0, cli.run("rm", "-f", "target").exitCode);
                Leftovers.assertNone(fixture);
            }
        } finally {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    @Test
    void aHundredConcurrentEngineRequestsAmidGarbageAndHangUpsLeaveNothingBehind() throws Exception {
        // Warm-up: the first engine request starts gRPC's threads, which stay; count after it.
        assertTrue(exchange("GET /containers/json HTTP/1.1\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200"));
        long fdsBefore = ServerFds.count(daemon.socket());
        long otherThreadsBefore = otherThreads();
        int containersBefore = containers();

        byte[] random = new byte[8192];
        new Random(100).nextBytes(random);
        List<Callable<String>> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            clients.add(switch (i % 10) {
                case 0 -> () -> check(check(exchange("GET /v1.44/containers/json?all=1 HTTP/1.1\r\nConnection: close\r\n\r\n"),
                        "HTTP/1.1 200 ", "\"Names\":[\"/target\"]"), "HTTP/1.1 200 ", "\"ImageID\":\"sha256:");
                case 1 -> () -> check(exchange("GET /v1.44/images/json HTTP/1.1\r\nConnection: close\r\n\r\n"),
                        "HTTP/1.1 200 ", "\"RepoTags\":[\"" + TestImages.NAME + "\"]");
                case 2 -> () -> check(exchange("GET /v1.44/info HTTP/1.1\r\nConnection: close\r\n\r\n"),
                        "HTTP/1.1 200 ", "\"ContainersRunning\":1");
                case 3 -> () -> check(exchange("GET /v1.44/containers/target/json HTTP/1.1\r\nConnection: close\r\n\r\n"),
                        "HTTP/1.1 200 ", "\"Running\":true");
                case 4 -> () -> check(exchange("GET /v1.44/containers/nope/json HTTP/1.1\r\nConnection: close\r\n\r\n"),
                        "HTTP/1.1 404 ", "{\"message\":\"No such container: nope\"}");
                case 5 -> () -> check(exchange("GET /v1.44/no/such/endpoint HTTP/1.1\r\nConnection: close\r\n\r\n"),
                        "HTTP/1.1 404 ", "{\"message\":\"page not found\"}");
                case 6 -> () -> hangUpAfter(random, false);
                case 7 -> () -> hangUpAfter("GET /v1.44/containers/target/logs?stdout=1&follow=1 HTTP/1.1\r\n\r\n"
                        .getBytes(ISO_8859_1), true);
                case 8 -> () -> hangUpAfter(("POST /v1.44/containers/target/wait HTTP/1.1\r\nContent-Length: 10\r\n\r\n")
                        .getBytes(ISO_8859_1), false);
                default -> () -> check(exchange("GET /v1.44/_ping HTTP/1.1\r\nX-Junk: " + "j".repeat(20_000)
                        + "\r\nConnection: close\r\n\r\n"), "HTTP/1.1 431 ", "{\"message\":");
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            for (Future<String> f : pool.invokeAll(clients)) {
                f.get();
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }

        assertTrue(exchange("GET /_ping HTTP/1.1\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200"),
                "the daemon still serves");
        awaitTrue(() -> ServerFds.busyWorkers() == 0 && fds() == fdsBefore && otherThreads() <= otherThreadsBefore);
        assertEquals(0, ServerFds.busyWorkers(), "no connection thread is still in a request");
        assertEquals(fdsBefore, fds(), "the daemon's connections: as before");
        assertTrue(otherThreads() <= otherThreadsBefore, () -> "no thread beyond the idle pools: "
                + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList());
        assertEquals(containersBefore, containers(), "containers: as before");
    }

    @Test
    void bodiesPastTheLimitAreRefusedWithJsonAndTheDaemonServesOn() throws Exception {
        String tooBig = exchange("POST /v1.44/containers/create HTTP/1.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (64 * 1024 * 1024) + "\r\n\r\n{\"Image\":");
        assertTrue(tooBig.startsWith("HTTP/1.1 413 ") && tooBig.contains("Content-Type: application/json\r\n")
                && tooBig.contains("{\"message\":\"body larger than"), tooBig);
        // Chunked, so the daemon learns the size only while reading: 17 MiB of one JSON string.
        try (RawExchange c = new RawExchange(daemon.socket())) {
            c.send("POST /v1.44/containers/create HTTP/1.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("100000\r\n" + "a".repeat(0x100000) + "\r\n").getBytes(ISO_8859_1);
            for (int i = 0; i < 17; i++) {
                try {
                    c.send(chunk);
                } catch (IOException refused) {
                    break;
                }
            }
            String answer = c.readToEnd();
            assertTrue(answer.startsWith("HTTP/1.1 413 ") && answer.contains("{\"message\":"), answer);
        }
        assertTrue(exchange("GET /v1.44/containers/json HTTP/1.1\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200"));
        assertEquals(1, containers(), "no container came of it");
    }

    /**
     * A client that hangs up mid-pull (docker pull ^C): the daemon lets go of the registry,
     * its worker and the pull's lease while the registry still stalls, as dockerd cancels
     * the pull with the request's context.
     */
    @Test
    void hangingUpMidPullLetsGoOfTheRegistryTheWorkerAndTheLease() throws Exception {
        long fdsBefore = ServerFds.count(daemon.socket());
        try (StallingRegistry registry = StallingRegistry.start()) {
            try (RawExchange c = new RawExchange(daemon.socket())) {
                c.send("POST /v1.44/images/create?fromImage=" + registry.host() + "/" + StallingRegistry.IMAGE
                        + "&tag=v1 HTTP/1.1\r\nHost: d\r\n\r\n");
                assertTrue(registry.awaitLayerAsked(30), "the pull reached the layer");
            }
            assertTrue(registry.awaitLayerLetGo(20), "the daemon closed the registry's connection once its client left");
            awaitTrue(() -> ServerFds.busyWorkers() == 0 && fds() == fdsBefore);
            assertEquals(0, ServerFds.busyWorkers(), "no connection thread is still pulling");
            assertEquals(fdsBefore, fds());
        }
        assertEquals(0, containerd.leases().list(io.jnerd.proto.containerd.leases.ListRequest.getDefaultInstance())
                .getLeasesCount(), "the pull's lease is gone");
    }

    private static String check(String response, String status, String body) {
        assertTrue(response.startsWith(status) && response.contains(body), () -> status + " " + body + " in:\n" + response);
        if (!response.startsWith("HTTP/1.1 2")) {
            assertTrue(response.contains("Content-Type: application/json\r\n"), response);
        }
        return response;
    }

    /** Sends {@code bytes} and hangs up: at once, or once the answer began (mid-stream). */
    private static String hangUpAfter(byte[] bytes, boolean midStream) {
        try (RawExchange c = new RawExchange(daemon.socket())) {
            c.send(bytes);
            if (midStream) {
                c.readHead();
            }
        } catch (IOException serverClosedFirst) {
            // garbage may be refused before it is all written: fine too
        }
        return "";
    }

    private static String exchange(String request) throws IOException {
        return RawExchange.once(daemon.socket(), request);
    }

    private static long fds() {
        try {
            return ServerFds.count(daemon.socket());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Threads of this JVM but the two caches that keep idle threads by design: the server's
     * connection threads (30 s; busy ones are counted by {@link ServerFds#busyWorkers}) and
     * gRPC's default executor (60 s).
     */
    private static long otherThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> !n.startsWith("http-conn-") && !n.startsWith("grpc-default-executor-")).count();
    }

    private static int containers() throws Exception {
        return containerd.containers().list(ListContainersRequest.getDefaultInstance()).getContainersCount();
    }

    /** Hang-ups reach the server asynchronously: wait (bounded) for it to let go. */
    private static void awaitTrue(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
