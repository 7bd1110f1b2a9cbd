package io.jnerd.seccomp.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.agent.SeccompAgentServer;
import io.jnerd.seccomp.notify.NotificationHandler;
import io.jnerd.seccomp.notify.OpenFds;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.seccomp.notify.SupervisorStats;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent socket and supervisor serving real runc containers (runc 1.1 with libseccomp 2.5). */
@Tag("privileged")
class RuncAgentPrivilegedTest {

    private static final String BODY = "hello from the test server";

    @TempDir
    static Path dir;

    private static RuncBundle runc;
    private static HttpServer http;
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    /** What the handler does, by the container's listenerMetadata; CONTINUE for others. */
    /**
     * What the agent and supervisor hold per container. Not sockets: the test's HTTP server
     * keeps or drops the containers' connections as it likes.
     */
    private static final java.util.function.Predicate<String> AGENT_FDS = OpenFds.SESSION;
    private static final Map<String, NotificationHandler> HANDLERS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> CONNECTS = new ConcurrentHashMap<>();
    private static final Map<String, ContainerState> STATES = new ConcurrentHashMap<>();

    private static Supervisor supervisor;
    private static SeccompAgentServer agent;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(RuncBundle.BUSYBOX), "busybox-static is not installed");
        Assumptions.assumeTrue(onPath("runc"), "runc is not installed");
        runc = new RuncBundle(dir);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        http.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            byte[] b = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, b.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(b);
            }
        });
        http.start();
        supervisor = new Supervisor(ctx -> {
            String id = ctx.container().containerId();
            if (ctx.syscallName().equals("connect")) {
                CONNECTS.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            HANDLERS.getOrDefault(ctx.container().metadata(), NotificationHandler.CONTINUE).handle(ctx);
        });
        agent = SeccompAgentServer.start(dir.resolve("agent.sock"), (state, fd) -> {
            STATES.put(state.containerId(), state);
            supervisor.supervise(state, fd);
        });
    }

    @AfterAll
    static void stop() throws IOException {
        if (agent != null) {
            agent.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        if (http != null) {
            http.stop(0);
        }
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    /** jnerd's default profile with connect notified, as the bypass flow writes it. */
    private static SeccompProfile notifyConnect(String metadata) {
        return NotifyTranslator.withNotify(DefaultProfile.get(), List.of("connect"),
                agent.path().toString(), metadata);
    }

    private static String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    @Test
    void continueLetsTheConnectionsThroughAndEveryConnectIsCounted() throws Exception {
        int before = REQUESTS.get();
        RuncBundle.Result r = runc.run(notifyConnect("run=continue"), "sh", "-c",
                "for i in 1 2 3; do wget -q -O - " + url() + "; echo; done");
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(3, r.output().split(BODY, -1).length - 1, r.output());
        assertEquals(3, REQUESTS.get() - before);
        assertEquals(3, CONNECTS.get(r.id()).get(), "one notification per connect");
        ContainerState state = STATES.get(r.id());
        assertEquals("run=continue", state.metadata());
        assertEquals(r.id(), state.state().id());
        assertTrue(state.pid() > 0 && state.pid() == state.state().pid(), state.toString());
    }

    @Test
    void anErrnoAnswerIsWhatTheContainerSees() throws Exception {
        int before = REQUESTS.get();
        RuncBundle.Result r = runWithHandler(ctx -> ctx.respondError(Errno.ECONNREFUSED), "run=refused");
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Connection refused"), r.output());
        assertEquals(before, REQUESTS.get(), "the connection never reached the server");
        assertEquals(1, CONNECTS.get(r.id()).get());
    }

    @Test
    void twoHundredContainersInARowLeaveNoThreadOrFdBehind() throws Exception {
        SeccompProfile profile = notifyConnect("run=many");
        runc.run(profile, "true"); // warm-up: classes loaded, runc and JVM helper threads started
        awaitNoSessions();
        long fds = OpenFds.count(AGENT_FDS);
        Set<String> threads = threadsNamed("seccomp-");
        long served = agent.served();
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            RuncBundle.Result r = runc.run(profile, "true");
            assertEquals(0, r.exitCode(), r.output());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        awaitNoSessions();
        assertEquals(200, agent.served() - served, "every container's listener was served");
        assertEquals(fds, OpenFds.count(AGENT_FDS), OpenFds.describe());
        assertEquals(Set.of(), threadsNamed("seccomp-notify-"), "every session thread ended");
        // Only the threads the agent and supervisor make: the JVM's own (process reaper,
        // JIT) come and go as they like.
        assertEquals(threads, threadsNamed("seccomp-"), "the agent's threads are as before");
        System.out.println("200 runc containers with a seccomp agent: " + millis + " ms");
    }

    @Test
    void garbageOnTheAgentSocketIsRefusedAndTheNextContainerServed() throws Exception {
        awaitNoSessions();
        long fds = OpenFds.count(AGENT_FDS);
        long rejected = agent.rejected();
        sendRaw(new byte[0], List.of());
        byte[] junk = new byte[1 << 20];
        Arrays.fill(junk, (byte) '[');
        sendRaw(junk, List.of());
        sendRaw("{\"ociVersion\":\"1.0.2\",\"pid\":1}".getBytes(StandardCharsets.UTF_8), List.of());
        try (Fd notAListener = EventFd.create(0, EventFd.EFD_CLOEXEC)) {
            sendRaw("{\"fds\":[\"seccompFd\"],\"pid\":1}".getBytes(StandardCharsets.UTF_8), List.of(notAListener));
        }
        RuncBundle.Result r = runc.run(notifyConnect("run=after-garbage"), "sh", "-c", "wget -q -O - " + url());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(BODY), r.output());
        assertEquals(1, CONNECTS.get(r.id()).get());
        awaitNoSessions();
        assertEquals(4, agent.rejected() - rejected);
        assertEquals(fds, OpenFds.count(AGENT_FDS), OpenFds.describe());
    }

    /** Connects to the agent, sends, closes. */
    private static void sendRaw(byte[] data, List<Fd> fds) throws Exception {
        try (Fd c = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(c, SockAddr.unix(agent.path().toString()));
            try {
                int off = 0;
                while (off < data.length) {
                    off += ScmRights.send(c, Arrays.copyOfRange(data, off, data.length), off == 0 ? fds : List.of());
                }
            } catch (SyscallException e) {
                // The agent hangs up on junk before it has all of it.
                assertTrue(e.is(Errno.EPIPE) || e.is(Errno.ECONNRESET), e.getMessage());
            }
        }
    }

    private static void awaitNoSessions() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!supervisor.sessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), supervisor.sessions(), "sessions still open");
    }

    private static Set<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).collect(Collectors.toSet());
    }

    /** Runs one wget whose connects {@code handler} answers. */
    private static RuncBundle.Result runWithHandler(NotificationHandler handler, String metadata) throws Exception {
        HANDLERS.put(metadata, handler);
        try {
            return runc.run(notifyConnect(metadata), "wget", "-q", "-O", "-", url());
        } finally {
            HANDLERS.remove(metadata);
        }
    }
}
