package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.netns.Cidr;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.notify.Supervisor;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The switch under a filter that notifies neither sends nor listen (nerdctl's: connect,
 * bind, setsockopt, fcntl, close, getpeername, as {@link BypassChild} installs it by
 * default): no host socket may be left in the container unconnected and not listening,
 * from which a native sendto with MSG_FASTOPEN would reach the host's 127.0.0.1, and no
 * UDP socket is switched, from which a native sendto would.
 */
@Tag("privileged")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnguardedBypassKernelTest {

    private static final int PUBLISHED_TCP = 80;
    private static final int PUBLISHED_TCP_FAST_OPEN = 81;
    private static final int PUBLISHED_UDP = 5353;
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

    private TestHost host;
    private Path dir;
    private ChildConversation child;
    private ConnectWaiter waiter;
    private BypassStats stats;
    private Supervisor supervisor;
    private ServerSocket hostLoopbackTcp;
    private final AtomicInteger hostLoopbackConnections = new AtomicInteger();
    private DatagramSocket hostLoopbackUdp;
    private final AtomicInteger hostLoopbackDatagrams = new AtomicInteger();
    private int publishedHostPort;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root: unshare -n and a test-host network namespace");
        Assumptions.assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        host = TestHost.start();
        dir = Files.createTempDirectory("jnerd-unguarded");
        hostLoopbackTcp = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        daemon(() -> {
            while (true) {
                try (Socket s = hostLoopbackTcp.accept()) {
                    hostLoopbackConnections.incrementAndGet();
                }
            }
        });
        hostLoopbackUdp = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        daemon(() -> {
            byte[] buf = new byte[2048];
            while (true) {
                hostLoopbackUdp.receive(new DatagramPacket(buf, buf.length));
                hostLoopbackDatagrams.incrementAndGet();
            }
        });
        try (ServerSocket free = new ServerSocket(0)) {
            publishedHostPort = free.getLocalPort();
        }
        int[] more = new int[2];
        for (int i = 0; i < more.length; i++) {
            try (ServerSocket free = new ServerSocket(0)) {
                more[i] = free.getLocalPort();
            }
        }
        Path sock = dir.resolve("agent.sock");
        Fd listener;
        try (Fd server = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(server, SockAddr.unix(sock.toString()));
            Sockets.listen(server, 1);
            child = new ChildConversation(BypassChild.launch(sock.toString()));
            try (Fd conn = Sockets.accept(server, Sockets.SOCK_CLOEXEC);
                    ScmRights.Received got = ScmRights.receive(conn, 16, 1)) {
                listener = got.take(0);
            }
        }
        waiter = new ConnectWaiter("test-unguarded-waiter");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        BypassHandler handler = new BypassHandler(IgnoreRules.parse(List.of()), List.of(Cidr.parse("10.0.2.0/24")),
                List.of(new PortMapping(loopback, publishedHostPort, PUBLISHED_TCP, Protocol.TCP),
                        new PortMapping(loopback, more[0], PUBLISHED_TCP_FAST_OPEN, Protocol.TCP),
                        new PortMapping(loopback, more[1], PUBLISHED_UDP, Protocol.UDP)),
                waiter, SocketSwitcher.QUICK_WAIT_MILLIS,
                // nerdctl's notify set (no send, no listen) in a filter of jnerd's own compiler,
                // which admits only the native ABI: no i386 socketcall can run unseen.
                new GuardedCalls(false, false, true));
        stats = handler.stats();
        supervisor = new Supervisor(handler);
        supervisor.supervise(new ContainerState("1.0.2", List.of(ContainerState.SECCOMP_FD_NAME), child.pid(), "", null),
                listener);
        assertEquals("ready", child.readLine());
    }

    private interface Loop {
        void run() throws IOException;
    }

    private static void daemon(Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException e) {
                // Closed by stop().
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    void stop() throws Exception {
        Resources.closeAll(child, supervisor, waiter, hostLoopbackTcp, hostLoopbackUdp, host);
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("agent.sock"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void tcpIsStillSwitchedOnceConnected() throws IOException {
        long before = stats.connectsInjectedWhenConnected();
        assertEquals("ok hello switched=true", child.ask("tcp " + host.ipv4() + " " + TestHost.TCP_ECHO));
        // Non-blocking: 0 once connected instead of EINPROGRESS, which connect(2) allows.
        assertEquals("ok hello switched=true inprogress=false",
                child.ask("tcp-nonblocking " + host.ipv4() + " " + TestHost.TCP_ECHO));
        assertEquals(before + 2, stats.connectsInjectedWhenConnected());
    }

    @Test
    void aRefusedConnectLeavesTheContainerItsOwnSocketSoFastOpenStaysInside() throws Exception {
        String loopback = "127.0.0.1 " + hostLoopbackTcp.getLocalPort();
        // The child's own lo has nothing on that port: refused there, not connected on the host.
        assertEquals("errno ECONNREFUSED first=ECONNREFUSED switched=false",
                child.ask("fastopen-after-refused-any " + host.ipv4() + " " + TestHost.CLOSED_PORT + " " + loopback));
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void aPublishedTcpPortListensFromTheBindOnAndCannotFastOpen() throws Exception {
        long before = stats.bindsListeningAtOnce();
        // Listening, the host socket can connect nowhere: EISCONN.
        assertEquals("errno EISCONN switched=true", child.ask("bind-then-fastopen " + PUBLISHED_TCP_FAST_OPEN + " 127.0.0.1 "
                + hostLoopbackTcp.getLocalPort()));
        assertEquals(before + 1, stats.bindsListeningAtOnce());
        assertNothingReachedTheHostLoopback();
        // The published port still serves (the container's own listen, not notified, runs on it).
        assertEquals("ok listening switched=true", child.ask("serve " + PUBLISHED_TCP));
        try (Socket s = new Socket("127.0.0.1", publishedHostPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(PING);
            assertEquals("ping", new String(s.getInputStream().readNBytes(PING.length), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void udpStaysInTheContainer() throws Exception {
        long connects = stats.udpConnectsNotSwitched();
        long binds = stats.udpBindsNotSwitched();
        // The child's namespace has only lo: the test host is unreachable from inside.
        assertEquals("errno ENETUNREACH", child.ask("udp " + host.ipv4() + " " + TestHost.UDP_ECHO));
        assertEquals("ok switched=false", child.ask("udp-bind " + PUBLISHED_UDP));
        assertEquals(connects + 1, stats.udpConnectsNotSwitched());
        assertEquals(binds + 1, stats.udpBindsNotSwitched());
        // A UDP socket of the container sending to 127.0.0.1 natively reaches its own lo only.
        assertEquals("ok sent=5 echo= firstSwitched=false", child.ask("udp-sendto 127.0.0.1 9 " + "127.0.0.1 "
                + hostLoopbackUdp.getLocalPort()));
        assertNothingReachedTheHostLoopback();
    }

    private void assertNothingReachedTheHostLoopback() throws InterruptedException {
        Thread.sleep(200);
        assertEquals(0, hostLoopbackConnections.get(), "a connection reached the host's 127.0.0.1");
        assertEquals(0, hostLoopbackDatagrams.get(), "a datagram reached the host's 127.0.0.1");
    }
}
