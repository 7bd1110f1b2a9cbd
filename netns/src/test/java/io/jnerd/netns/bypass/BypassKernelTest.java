package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Fd;
import io.jnerd.netns.Cidr;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.notify.NotificationContext;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The switch against the real kernel, no container runtime: a child JVM in its own empty
 * network namespace (made with unshare -n, hence root) is the "container"; a test-host
 * namespace behind a veth pair is the "internet". Without the bypass the child cannot
 * reach the test host at all (ENETUNREACH), so a working exchange proves the switch.
 */
@Tag("privileged")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BypassKernelTest {

    private static final java.util.function.Predicate<String> SWITCH_FDS = OwnFds.SOCKET.or(OwnFds.PIDFD);

    private static final int PUBLISHED_CONTAINER_PORT = 80;
    /** Connects of the sockaddr-rewriting race, at least and at most. */
    private static final int ROUNDS = 200;
    private static final int MAX_ROUNDS = 5000;

    private TestHost host;
    private Path dir;
    private ChildConversation child;
    private ConnectWaiter waiter;
    private BypassStats stats;
    private Supervisor supervisor;
    /** Off: every notification is answered CONTINUE, as with no agent policy at all. */
    private volatile boolean bypass = true;
    /** Runs when a notification arrived, before the handler. */
    private volatile Consumer<NotificationContext> beforeHandle = ctx -> { };
    /** Runs after the handler returned, before a deferred answer went out. */
    private volatile Consumer<NotificationContext> afterHandle = ctx -> { };
    private ServerSocket hostLoopback;
    private final AtomicInteger hostLoopbackAccepted = new AtomicInteger();
    private int publishedHostPort;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(io.jnerd.nativebindings.Processes.getuid() == 0,
                "needs root: unshare -n and a test-host network namespace");
        Assumptions.assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        host = TestHost.start();
        dir = Files.createTempDirectory("jnerd-bypass");
        hostLoopback = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(() -> {
            while (true) {
                try (Socket s = hostLoopback.accept()) {
                    hostLoopbackAccepted.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "host-loopback-listener");
        acceptor.setDaemon(true);
        acceptor.start();
        try (ServerSocket free = new ServerSocket(0)) {
            publishedHostPort = free.getLocalPort();
        }

        Path sock = dir.resolve("agent.sock");
        Fd listener;
        try (Fd server = Sockets.socket(SockAddr.AF_UNIX, io.jnerd.nativebindings.Sockets.SOCK_STREAM
                | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(server, SockAddr.unix(sock.toString()));
            Sockets.listen(server, 1);
            child = new ChildConversation(BypassChild.launch(sock.toString()));
            try (Fd conn = Sockets.accept(server, Sockets.SOCK_CLOEXEC);
                    ScmRights.Received got = ScmRights.receive(conn, 16, 1)) {
                listener = got.take(0);
            }
        }

        waiter = new ConnectWaiter("test-connect-waiter");
        List<Cidr> own = List.of(Cidr.parse("10.0.2.0/24"));
        BypassHandler handler = new BypassHandler(IgnoreRules.parse(List.of("192.168.77.0/24")),
                own, List.of(new PortMapping(InetAddress.getByName("127.0.0.1"), publishedHostPort,
                        PUBLISHED_CONTAINER_PORT, Protocol.TCP)), waiter,
                // Every blocking connect still in progress goes through the waiter: the
                // slow path, and the widest window for the rewrite race. The switch as under
                // jnerd's profile (the child's filter notifies less: UnguardedBypassKernelTest).
                0, GuardedCalls.ALL);
        stats = handler.stats();
        supervisor = new Supervisor(ctx -> {
            if (bypass) {
                beforeHandle.accept(ctx);
                handler.handle(ctx);
                afterHandle.accept(ctx);
            }
        });
        supervisor.supervise(new ContainerState("1.0.2", List.of(ContainerState.SECCOMP_FD_NAME), child.pid(),
                "", null), listener);
        // Only now: the child's close of its listener copy is notified already.
        assertEquals("ready", child.readLine());
    }

    @AfterAll
    void stop() throws Exception {
        Resources.closeAll(child, supervisor, waiter, hostLoopback, host);
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("agent.sock"));
            Files.deleteIfExists(dir);
        }
    }

    private String ask(String command) throws IOException {
        return child.ask(command);
    }

    @Test
    @Order(1)
    void withoutTheBypassTheChildReachesNothing() throws IOException {
        bypass = false;
        try {
            assertEquals("errno ENETUNREACH", ask("tcp " + host.ipv4() + " " + TestHost.TCP_ECHO));
        } finally {
            bypass = true;
        }
    }

    @Test
    @Order(2)
    void tcpConnectIsSwitchedAndCarriesData() throws IOException {
        long before = stats.connectsSwitched();
        assertEquals("ok hello switched=true", ask("tcp " + host.ipv4() + " " + TestHost.TCP_ECHO));
        assertEquals(before + 1, stats.connectsSwitched());
    }

    @Test
    @Order(3)
    void ipv6AndV4MappedAreSwitched() throws IOException {
        assertEquals("ok hello switched=true", ask("tcp " + host.ipv6() + " " + TestHost.TCP_ECHO));
        assertEquals("ok hello switched=true", ask("tcp-mapped " + host.ipv4() + " " + TestHost.TCP_ECHO));
    }

    @Test
    @Order(4)
    void nonBlockingConnectGivesEinprogressThenPollWorksOnTheHostSocket() throws IOException {
        assertEquals("ok hello switched=true inprogress=true",
                ask("tcp-nonblocking " + host.ipv4() + " " + TestHost.TCP_ECHO));
    }

    @Test
    @Order(5)
    void optionsSetBeforeConnectAreStillSet() throws IOException {
        long setsockopts = notified("setsockopt");
        // SO_RCVBUF/SO_SNDBUF read back doubled (socket(7)), and set on the host socket.
        assertEquals("ok hello switched=true reuseaddr=1 nodelay=1 rcvbuf=131072 sndbuf=65536",
                ask("tcp-options " + host.ipv4() + " " + TestHost.TCP_ECHO));
        // nerdctl's profile notifies setsockopt too: answered CONTINUE, the options took.
        assertTrue(notified("setsockopt") >= setsockopts + 2, "setsockopt was not notified");
    }

    private long notified(String syscall) {
        return supervisor.stats().bySyscall().getOrDefault(syscall, 0L);
    }

    @Test
    @Order(6)
    void connectedUdpIsSwitched() throws IOException {
        assertEquals("ok hello switched=true", ask("udp " + host.ipv4() + " " + TestHost.UDP_ECHO));
    }

    @Test
    @Order(7)
    void refusedConnectGivesEconnrefused() throws IOException {
        assertEquals("errno ECONNREFUSED", ask("tcp " + host.ipv4() + " " + TestHost.CLOSED_PORT));
        assertEquals("errno ECONNREFUSED", ask("tcp-nonblocking " + host.ipv4() + " " + TestHost.CLOSED_PORT));
    }

    @Test
    @Order(8)
    void loopbackAndOwnSubnetStayInTheContainer() throws IOException {
        int port = hostLoopback.getLocalPort();
        // The child's own lo is up and nothing listens there: refused, not the host's listener.
        assertEquals("errno ECONNREFUSED", ask("tcp 127.0.0.1 " + port));
        assertEquals("errno ECONNREFUSED", ask("tcp 0.0.0.0 " + port));
        assertEquals("errno ECONNREFUSED", ask("tcp-mapped 127.0.0.1 " + port));
        // The child's netns has no route to its "own subnet": not switched, so unreachable.
        assertEquals("errno ENETUNREACH", ask("tcp 10.0.2.3 " + TestHost.TCP_ECHO));
        assertEquals("errno ENETUNREACH", ask("tcp 192.168.77.3 " + TestHost.TCP_ECHO));
        assertEquals(0, hostLoopbackAccepted.get(), "the host's 127.0.0.1 listener was reached");
    }

    @Test
    @Order(13)
    void aSwitchedSocketIsNeverConnectedToTheHostLoopback() throws IOException {
        String loop = "127.0.0.1 " + hostLoopback.getLocalPort();
        assertEquals("errno ENETUNREACH firstSwitched=true",
                ask("reconnect-udp " + host.ipv4() + " " + TestHost.UDP_ECHO + " " + loop));
        assertEquals("errno ENETUNREACH first=ECONNREFUSED firstSwitched=true",
                ask("reconnect-after-refused " + host.ipv4() + " " + TestHost.CLOSED_PORT + " " + loop));
        // To an allowed destination it connects again, in the host namespace where it lives.
        assertEquals("ok firstSwitched=true",
                ask("reconnect-udp " + host.ipv4() + " " + TestHost.UDP_ECHO + " " + host.ipv4() + " " + TestHost.UDP_ECHO));
        assertEquals(0, hostLoopbackAccepted.get(), "the host's 127.0.0.1 listener was reached");
    }

    @Test
    @Order(9)
    void rewritingTheSockaddrDuringTheConnectNeverReachesTheHostLoopback() throws Exception {
        int port = hostLoopback.getLocalPort();
        byte[] loopback = SockAddr.inet(InetAddress.getByName("127.0.0.1"), port).encode();
        AtomicInteger rewritesBeforeAnswer = new AtomicInteger();
        byte[] echo4 = SockAddr.inet(InetAddress.getByName(host.ipv4()), TestHost.TCP_ECHO).encode();
        byte[] udp4 = SockAddr.inet(InetAddress.getByName(host.ipv4()), TestHost.UDP_ECHO).encode();
        // The connect whose answer is still out, and so whose sockaddr is still the child's
        // to change. Writing outside that window would land in whatever the child keeps in
        // the same scratch memory next (an SO_RCVTIMEO value made endless, say).
        AtomicReference<NotificationContext> inFlight = new AtomicReference<>();
        beforeHandle = ctx -> {
            if (ctx.syscallName().equals("connect")) {
                inFlight.set(ctx);
            }
        };
        // The worst moment: after the switch read the address, before its answer went out
        // (a blocking connect is answered by the waiter, later).
        afterHandle = ctx -> {
            if (ctx.isDeferred() && rewriteWhileInFlight(ctx, loopback, echo4, udp4)) {
                rewritesBeforeAnswer.incrementAndGet();
            }
        };
        // And from the moment it arrived: another thread keeps writing the loopback address
        // over the sockaddr, as a second thread of the container could, before the agent's
        // read as well as after it.
        AtomicBoolean racing = new AtomicBoolean(true);
        Thread racer = new Thread(() -> {
            while (racing.get()) {
                NotificationContext ctx = inFlight.get();
                if (ctx != null) {
                    rewriteWhileInFlight(ctx, loopback, echo4, udp4);
                }
            }
        });
        racer.start();
        int switched = 0;
        try {
            // At least ROUNDS; more until a rewrite has landed in the window, which only a
            // connect whose answer is deferred (its handshake not done when the agent's
            // connect returned) opens: 21-55 in 200 here, quiet or loaded, but none in one CI
            // run, which the fixed 200 then failed.
            for (int i = 0; i < ROUNDS || rewritesBeforeAnswer.get() == 0 && i < MAX_ROUNDS; i++) {
                String proto = i % 2 == 0 ? "tcp " : "udp ";
                String answer = ask(proto + host.ipv4() + " " + (i % 2 == 0 ? TestHost.TCP_ECHO : TestHost.UDP_ECHO));
                // Either the switch read the real address (and the echo answers), or it read
                // the loopback one and left the connect to the child's own, empty lo. A
                // rewrite whose check passed just before the answer can still land in the
                // child's data (the same scratch memory) right after it: garbled echo.
                if (answer.equals("ok hello switched=true")) {
                    switched++;
                } else {
                    assertTrue(answer.startsWith("errno ECONNREFUSED")
                            || answer.startsWith("ok ") && answer.endsWith(" switched=true"), "round " + i + ": " + answer);
                }
            }
        } finally {
            racing.set(false);
            racer.join();
            beforeHandle = ctx -> { };
            afterHandle = ctx -> { };
        }
        assertTrue(switched > 0, "no connect was switched while racing");
        assertTrue(rewritesBeforeAnswer.get() > 0, "no rewrite landed between the read and the answer in "
                + MAX_ROUNDS + " connects");
        assertEquals(0, hostLoopbackAccepted.get(), "the host's 127.0.0.1 listener was reached");
    }

    /**
     * Writes {@code loopback} over the connect's sockaddr while its answer is still out and
     * the memory still holds one of {@code sockaddrs}; true when it wrote.
     */
    private static boolean rewriteWhileInFlight(NotificationContext ctx, byte[] loopback, byte[]... sockaddrs) {
        byte[] seen = new byte[loopback.length];
        if (ctx.isAnswered() || !read(ctx.pid(), ctx.arg(1), seen)) {
            return false;
        }
        for (byte[] s : sockaddrs) {
            if (java.util.Arrays.equals(seen, s) && !ctx.isAnswered()) {
                write(ctx.pid(), ctx.arg(1), loopback);
                return true;
            }
        }
        return false;
    }

    private static boolean read(int pid, long address, byte[] into) {
        try {
            return ProcessMemory.read(pid, address, into, 0, into.length) == into.length;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(int pid, long address, byte[] bytes) {
        try {
            ProcessMemory.write(pid, address, bytes, 0, bytes.length);
        } catch (IOException e) {
            // The child may be between calls; the next write tries again.
        }
    }

    @Test
    @Order(10)
    void aSlowBlockingConnectDoesNotHoldUpTheNextOne() throws IOException {
        String answer = ask("slow-then-fast " + host.unreachableIpv4() + " " + TestHost.TCP_ECHO + " "
                + host.ipv4() + " " + TestHost.TCP_ECHO);
        assertTrue(answer.startsWith("ok hello switched=true fastMillis="), answer);
        assertTrue(answer.contains("slowStillWaiting=true"), answer);
        assertTrue(answer.endsWith("slow=EHOSTUNREACH"), answer);
        long fastMillis = Long.parseLong(answer.replaceAll(".*fastMillis=(\\d+).*", "$1"));
        assertTrue(fastMillis < 1500, answer);
    }

    @Test
    @Order(12)
    void connectRateThroughTheBypassAndNoFdLeftBehind() throws Exception {
        // -Djnerd.test.connects=20000 for a figure to compare builds by.
        int count = Integer.getInteger("jnerd.test.connects", 300);
        assertTrue(ask("connect-rate " + host.ipv4() + " " + TestHost.TCP_ECHO + " 20").startsWith("ok "), "warm-up");
        long fds = OwnFds.count(SWITCH_FDS);
        String answer = ask("connect-rate " + host.ipv4() + " " + TestHost.TCP_ECHO + " " + count);
        assertTrue(answer.startsWith("ok perSecond="), answer);
        assertEquals(0, waiter.pendingCount());
        // Every container-socket copy, pidfd and host socket of the 300 switches is closed: a
        // leak would show as hundreds. Counted: sockets and pidfds, what a switch makes; a
        // few pidfds may be kept for the child's threads that only now made their first call.
        long after = OwnFds.count(SWITCH_FDS);
        assertTrue(after <= fds + 5, "the agent's sockets and pidfds grew from " + fds + " to " + after);
        SockAddr echo = SockAddr.inet(InetAddress.getByName(host.ipv4()), TestHost.TCP_ECHO);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                Sockets.connect(s, echo);
            }
        }
        long hostRate = (long) (count / ((System.nanoTime() - start) / 1e9));
        // A figure for the report, not a speed limit (bench/ measures): connect+close per second.
        System.out.println("connect+close/s: bypassed " + answer.substring("ok perSecond=".length())
                + ", host " + hostRate + "; supervisor " + supervisor.stats());
    }

    @Test
    @Order(11)
    void aPublishedPortIsBoundOnTheHostAndReachableFromTheContainerToo() throws IOException {
        assertEquals("ok listening switched=true", ask("serve " + PUBLISHED_CONTAINER_PORT));
        assertEquals(1, stats.bindsSwitched());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", publishedHostPort), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("from-host".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[32];
            int n = s.getInputStream().read(buf);
            assertEquals("from-host", new String(buf, 0, n, StandardCharsets.US_ASCII));
        }
        // The container's connect to its own port goes to the host side of the mapping.
        assertEquals("ok hello switched=true", ask("tcp 127.0.0.1 " + PUBLISHED_CONTAINER_PORT));
        assertEquals(0, hostLoopbackAccepted.get());
    }
}
