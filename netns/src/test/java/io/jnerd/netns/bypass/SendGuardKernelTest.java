package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Pidfd;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.netns.Cidr;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.notify.Supervisor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Sends with a destination and binds, against the real kernel: {@link BypassChild} in its
 * own empty network namespace under jnerd's own profile (compiled by jnerd, so sendto is
 * notified only with an address), a test-host namespace as the allowed destination, and
 * a UDP and a TCP server on the host's 127.0.0.1 that must never hear from the child.
 */
@Tag("privileged")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendGuardKernelTest {

    private static final int PUBLISHED_CONTAINER_PORT = 80;
    private static final int UNPUBLISHED_CONTAINER_PORT = 8080;
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);

    private TestHost host;
    private int publishedHostPort;
    private ChildConversation child;
    private ConnectWaiter waiter;
    private BypassStats stats;
    private Supervisor supervisor;
    private DatagramSocket hostLoopbackUdp;
    private final AtomicInteger hostLoopbackDatagrams = new AtomicInteger();
    private ServerSocket hostLoopbackTcp;
    private final AtomicInteger hostLoopbackConnections = new AtomicInteger();
    /** Where the child's last notified sendto keeps its address, for the rewrite race. */
    private final AtomicInteger lastSendtoPid = new AtomicInteger();
    private final AtomicLong lastSendtoAddress = new AtomicLong();
    /** The most the handler allocated (Java heap) for one sendmmsg. */
    private final AtomicLong largestSendmmsgAllocation = new AtomicLong();

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root: unshare -n and a test-host network namespace");
        Assumptions.assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        host = TestHost.start();
        hostLoopbackUdp = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        daemon("host-loopback-udp", () -> {
            byte[] buf = new byte[2048];
            while (true) {
                hostLoopbackUdp.receive(new DatagramPacket(buf, buf.length));
                hostLoopbackDatagrams.incrementAndGet();
            }
        });
        hostLoopbackTcp = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        daemon("host-loopback-tcp", () -> {
            while (true) {
                try (Socket s = hostLoopbackTcp.accept()) {
                    hostLoopbackConnections.incrementAndGet();
                }
            }
        });

        child = new ChildConversation(BypassChild.launch(BypassChild.JNERD_PROFILE));
        String announced = child.readLine();
        assertTrue(announced != null && announced.startsWith("listener "), "child said " + announced);
        Fd listener;
        try (Pidfd pidfd = Pidfd.open(child.pid())) {
            listener = pidfd.getFd(Integer.parseInt(announced.substring("listener ".length())));
        }
        try (ServerSocket free = new ServerSocket(0)) {
            publishedHostPort = free.getLocalPort();
        }
        waiter = new ConnectWaiter("test-send-waiter");
        BypassHandler handler = new BypassHandler(IgnoreRules.parse(List.of("192.168.77.0/24")),
                List.of(Cidr.parse("10.0.2.0/24")), List.of(new PortMapping(InetAddress.getByName("127.0.0.1"),
                        publishedHostPort, PUBLISHED_CONTAINER_PORT, Protocol.TCP)), waiter, SocketSwitcher.QUICK_WAIT_MILLIS,
                GuardedCalls.ALL);
        stats = handler.stats();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        supervisor = new Supervisor(ctx -> {
            if (ctx.syscallName().equals("sendto")) {
                lastSendtoPid.set(ctx.pid());
                lastSendtoAddress.set(ctx.arg(4));
            }
            long allocated = threads.getCurrentThreadAllocatedBytes();
            handler.handle(ctx);
            if (ctx.syscallName().equals("sendmmsg")) {
                largestSendmmsgAllocation.accumulateAndGet(threads.getCurrentThreadAllocatedBytes() - allocated, Math::max);
            }
        });
        supervisor.supervise(new ContainerState("1.0.2", List.of(ContainerState.SECCOMP_FD_NAME), child.pid(),
                "", null), listener);
        child.send("taken");
        assertEquals("ready", child.readLine());
    }

    private interface Loop {
        void run() throws IOException;
    }

    private static void daemon(String name, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException e) {
                // Closed by stop().
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    void stop() throws Exception {
        Resources.closeAll(child, supervisor, waiter, hostLoopbackUdp, hostLoopbackTcp, host);
    }

    private String ask(String command) throws IOException {
        return child.ask(command);
    }

    private String udpEcho() {
        return host.ipv4() + " " + TestHost.UDP_ECHO;
    }

    private String hostLoopbackUdp() {
        return "127.0.0.1 " + hostLoopbackUdp.getLocalPort();
    }

    @Test
    void sendtoFromASwitchedSocketToTheHostLoopbackIsRefused() throws Exception {
        long refused = stats.refusedOnHostSockets();
        assertEquals("errno ENETUNREACH firstSwitched=true", ask("udp-sendto " + udpEcho() + " " + hostLoopbackUdp()));
        assertEquals("errno ENETUNREACH firstSwitched=true",
                ask("udp-sendto " + udpEcho() + " 0.0.0.0 " + hostLoopbackUdp.getLocalPort()));
        assertEquals(refused + 2, stats.refusedOnHostSockets());
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void sendtoFromASwitchedSocketToAnAllowedHostArrives() throws IOException {
        assertEquals("ok sent=5 echo=probe firstSwitched=true", ask("udp-sendto " + udpEcho() + " " + udpEcho()));
    }

    @Test
    void sendmsgWithANameIsGuardedTheSameWay() throws Exception {
        assertEquals("errno ENETUNREACH firstSwitched=true", ask("udp-sendmsg " + udpEcho() + " " + hostLoopbackUdp()));
        assertEquals("ok sent=5 echo=probe firstSwitched=true", ask("udp-sendmsg " + udpEcho() + " " + udpEcho()));
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void sendmmsgOnASwitchedSocketIsSentByTheAgentUpToTheFirstRefusedMessage() throws Exception {
        assertEquals("ok sent=2 lengths=5,5 switched=true echoes=2", ask("udp-sendmmsg " + udpEcho()));
        assertEquals("ok sent=1 lengths=5,0 switched=true then ENETUNREACH echoes=1",
                ask("udp-sendmmsg " + udpEcho() + " " + hostLoopbackUdp()));
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void oneSendmmsgOfManySmallMessagesCostsTheAgentLittle() throws IOException {
        largestSendmmsgAllocation.set(0);
        // 1,024 messages (the kernel's most) of 5 bytes each, to a sink on the child's lo.
        assertEquals("ok sent=1024", ask("udp-sendmmsg-many 1024"));
        // What was read is ~140 KiB; reading each message into a 64 KiB buffer would be 64 MiB.
        System.out.println("one sendmmsg of 1,024 messages: the handler allocated " + largestSendmmsgAllocation.get() + " bytes");
        assertTrue(largestSendmmsgAllocation.get() < 8 << 20, "one sendmmsg allocated " + largestSendmmsgAllocation.get());
    }

    @Test
    void fastOpenFromAHostSocketToTheHostLoopbackIsRefused() throws Exception {
        String loopback = "127.0.0.1 " + hostLoopbackTcp.getLocalPort();
        assertEquals("errno ENETUNREACH",
                ask("fastopen-after-refused " + host.ipv4() + " " + TestHost.CLOSED_PORT + " " + loopback));
        // An allowed destination connects (the implicit connect) and the data goes.
        assertEquals("ECONNABORTED then ok sent=5",
                ask("fastopen-after-refused " + host.ipv4() + " " + TestHost.CLOSED_PORT + " " + host.ipv4() + " "
                        + TestHost.TCP_ECHO));
        // On a container socket the fast open stays in the container: its own lo refuses.
        assertEquals("errno ECONNREFUSED switched=false", ask("fastopen " + loopback));
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void swappingAHostSocketInDuringSendsNeverReachesTheHostLoopback() throws Exception {
        String answer = ask("send-swap-race " + udpEcho() + " " + hostLoopbackUdp() + " 2000");
        assertTrue(answer.startsWith("ok "), answer);
        // Both sockets were hit: the race really swapped under the agent's feet.
        assertTrue(!answer.contains("sent=0 ") && !answer.endsWith("refused=0"), answer);
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void rewritingTheAddressDuringSendsNeverReachesTheHostLoopback() throws Exception {
        byte[] echo = SockAddr.inet(InetAddress.getByName(host.ipv4()), TestHost.UDP_ECHO).encode();
        byte[] loopback = SockAddr.inet(InetAddress.getByName("127.0.0.1"), hostLoopbackUdp.getLocalPort()).encode();
        AtomicBoolean racing = new AtomicBoolean(true);
        // Forget earlier tests' sendto: the child's connect builds its sockaddr in the same
        // place, and must not be rewritten (this is about the sends).
        lastSendtoAddress.set(0);
        // As a second thread of the container could: wherever the last sendto kept its
        // address, the loopback one replaces the allowed one, again and again.
        Thread racer = new Thread(() -> {
            byte[] seen = new byte[echo.length];
            while (racing.get()) {
                long at = lastSendtoAddress.get();
                try {
                    if (at != 0 && ProcessMemory.read(lastSendtoPid.get(), at, seen, 0, seen.length) == seen.length
                            && Arrays.equals(seen, echo)) {
                        ProcessMemory.write(lastSendtoPid.get(), at, loopback, 0, loopback.length);
                    }
                } catch (IOException e) {
                    // Between calls; the next round tries again.
                }
            }
        });
        racer.start();
        String answer;
        try {
            // The rewrite must fall between the child's write and the agent's read: on a
            // loaded machine a round of 2,000 sends may see none, so up to five rounds.
            answer = ask("send-rewrite-race " + udpEcho() + " 2000");
            for (int round = 1; round < 5 && answer.endsWith("refused=0"); round++) {
                answer = ask("send-rewrite-race " + udpEcho() + " 2000");
            }
        } finally {
            racing.set(false);
            racer.join();
        }
        System.out.println("sendto while the address is rewritten: " + answer);
        assertTrue(answer.startsWith("ok "), answer);
        // Both happened: sends of the address as read, and the agent reading the rewritten one.
        assertTrue(!answer.contains("sent=0 ") && !answer.endsWith("refused=0"), answer);
        assertNothingReachedTheHostLoopback();
    }

    @Test
    void swappingAHostSocketInDuringBindNeverBindsOnTheHost() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        String answer = ask("bind-swap-race " + host.ipv4() + " " + TestHost.CLOSED_PORT + " 127.0.0.1 " + port + " 150");
        assertTrue(answer.startsWith("ok "), answer);
        assertTrue(!answer.contains("bound=0 ") && !answer.endsWith("refused=0"), answer);
    }

    @Test
    void onlyAPublishedHostSocketListens() throws IOException {
        assertEquals("errno EPERM", ask("listen-after-refused " + host.ipv4() + " " + TestHost.CLOSED_PORT).replaceAll(" \\(.*", ""));
        assertEquals("ok listening switched=true", ask("serve " + PUBLISHED_CONTAINER_PORT));
        try (Socket s = new Socket("127.0.0.1", publishedHostPort)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(PING);
            assertEquals("ping", new String(s.getInputStream().readNBytes(PING.length), StandardCharsets.US_ASCII));
        }
        // A container socket listens in the container, by the agent as well.
        assertEquals("ok listening switched=false", ask("serve " + UNPUBLISHED_CONTAINER_PORT));
    }

    @Test
    void ioUringIsNotThereForTheContainer() throws IOException {
        // Here, without the profile: EFAULT (the NULL params), or EPERM where the
        // kernel.io_uring_disabled sysctl (Linux 6.6) keeps it from this user.
        long here = BypassChild.ioUringSetup();
        Assumptions.assumeTrue(here != -Errno.ENOSYS, "the kernel has no io_uring: nothing to refuse");
        assertTrue(here == -Errno.EFAULT || here == -Errno.EPERM, "io_uring_setup gave " + here);
        assertEquals("errno ENOSYS", ask("io-uring-setup"));
    }

    @Test
    void whatNotifyingSendsCosts() throws IOException {
        String answer = ask("send-rate 20000");
        assertTrue(answer.startsWith("ok send="), answer);
        // A figure for the report, not a speed limit: datagrams per second.
        System.out.println("UDP sends/s inside the child: " + answer.substring(3) + "; supervisor " + supervisor.stats());
    }

    @Test
    void swappingAUnixOrNetlinkSocketInDuringSendsNeverReachesTheHostLoopback() throws Exception {
        long continued = supervisor.stats().continued();
        for (String kind : List.of("unix", "netlink")) {
            String answer = ask("other-send-swap-race " + kind + " " + udpEcho() + " " + hostLoopbackUdp() + " 2000");
            assertTrue(answer.startsWith("ok "), kind + ": " + answer);
            // Both sockets were hit: the host one (refused by the agent) and the other (whose
            // family takes no AF_INET address).
            assertTrue(!answer.contains("refused=0 ") && !answer.endsWith("einval=0"), kind + ": " + answer);
        }
        assertNothingReachedTheHostLoopback();
        assertEquals(continued, supervisor.stats().continued(), "a send was CONTINUEd");
    }

    @Test
    void swappingAUnixOrNetlinkSocketInDuringConnectsNeverReachesTheHostLoopback() throws Exception {
        long continued = supervisor.stats().continued();
        for (String kind : List.of("unix", "netlink")) {
            String answer = ask("other-connect-swap-race " + kind + " " + host.ipv4() + " " + TestHost.CLOSED_PORT
                    + " 127.0.0.1 " + hostLoopbackTcp.getLocalPort() + " 300");
            assertTrue(answer.startsWith("ok "), kind + ": " + answer);
            assertTrue(!answer.contains("refused=0 ") && !answer.endsWith("einval=0"), kind + ": " + answer);
        }
        assertNothingReachedTheHostLoopback();
        assertEquals(continued, supervisor.stats().continued(), "a connect was CONTINUEd");
    }

    @Test
    void unixPathsRelativePathsAndAbstractNamesStillWork() throws Exception {
        long continued = supervisor.stats().continued();
        Path dir = Files.createTempDirectory("jnerd-unix");
        try {
            // The name a bind stores is the one the agent bound through: /proc/self/fd/N/s.sock.
            assertTrue(ask("unix-stream " + dir.resolve("s.sock")).matches("ok got=probe peer=unix:/proc/self/fd/\\d+/s\\.sock .*"));
            // From the child's working directory (this module's): resolved under its root from there.
            assertTrue(ask("unix-stream target/jnerd-relative.sock")
                    .matches("ok got=probe peer=unix:/proc/self/fd/\\d+/jnerd-relative\\.sock .*"));
            String name = "jnerd-abstract-" + child.pid();
            assertEquals("ok got=probe peer=unix:@" + name, ask("unix-stream @ " + name));
            // A datagram by sendto to a path, as syslog(3) to /dev/log.
            assertEquals("ok sent=5 got=probe", ask("unix-dgram " + dir.resolve("d.sock")));
        } finally {
            Files.deleteIfExists(dir.resolve("s.sock"));
            Files.deleteIfExists(dir.resolve("d.sock"));
            Files.delete(dir);
        }
        assertEquals(continued, supervisor.stats().continued(), "a call was CONTINUEd");
    }

    @Test
    void aBoundUnixSocketFileGetsTheCallersUmaskAndIds() throws Exception {
        Path dir = Files.createTempDirectory("jnerd-unix");
        try {
            // The child runs as root with the umask of this JVM; the agent's bind made the file.
            String answer = ask("unix-stream " + dir.resolve("s.sock"));
            int umask = Integer.parseInt(Files.readAllLines(Path.of("/proc", Integer.toString(child.pid()), "status"))
                    .stream().filter(l -> l.startsWith("Umask:")).findFirst().orElseThrow().substring(6).trim(), 8);
            assertTrue(answer.endsWith(" mode=" + Integer.toOctalString(0140000 | (0777 & ~umask)) + " uid=0"), answer);
        } finally {
            Files.deleteIfExists(dir.resolve("s.sock"));
            Files.delete(dir);
        }
    }

    @Test
    void theAgentLendsAnUnprivilegedThreadNeitherItsIdsNorItsCapabilities() throws Exception {
        Path dir = Files.createTempDirectory("jnerd-unix");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Fd closed = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                Fd open = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(closed, SockAddr.unix(dir.resolve("root-only.sock").toString()));
            Sockets.listen(closed, 1);
            Files.setPosixFilePermissions(dir.resolve("root-only.sock"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Sockets.bind(open, SockAddr.unix(dir.resolve("anyone.sock").toString()));
            Sockets.listen(open, 1);
            Files.setPosixFilePermissions(dir.resolve("anyone.sock"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            // The agent (root) could connect to both; uid 65534 may write to the second only.
            assertEquals("errno EACCES", ask("as-nobody unix-connect " + dir.resolve("root-only.sock")));
            assertEquals("ok", ask("as-nobody unix-connect " + dir.resolve("anyone.sock")));
            assertEquals("ok", ask("unix-connect " + dir.resolve("root-only.sock")));
            // The file the agent's bind made is the thread's, as its own bind would have made it.
            assertTrue(ask("as-nobody unix-stream " + dir.resolve("mine.sock")).endsWith(" uid=65534"));
            // Multicast groups need CAP_NET_ADMIN, which the agent has and the thread has not.
            assertEquals("errno EPERM", ask("as-nobody netlink-groups").replaceAll(" \\(.*", ""));
            assertEquals("ok", ask("netlink-groups"));
        } finally {
            for (String f : List.of("root-only.sock", "anyone.sock", "mine.sock")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.delete(dir);
        }
    }

    /** uid 33 (www-data), a container's non-root user whose peers must see it, not the agent's root. */
    private static final int WWW_DATA = 33;

    @Test
    void aUnixPeerSeesTheConnectingThreadsIdsNotTheAgents() throws Exception {
        Path dir = Files.createTempDirectory("jnerd-unix");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("daemon.sock");
        Path owned = dir.resolve("owned");
        Path open = dir.resolve("open");
        try (java.nio.channels.ServerSocketChannel daemon =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            daemon.bind(java.net.UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.createFile(owned);
            Files.setAttribute(owned, "unix:uid", WWW_DATA);
            java.nio.file.attribute.UserPrincipal wwwData = Files.getOwner(owned);

            assertEquals("ok", ask("as-uid " + WWW_DATA + " unix-connect " + socket));
            assertEquals(wwwData, peerOf(daemon), "the daemon's SO_PEERCRED of a uid-33 client");
            assertEquals("ok", ask("unix-connect " + socket));
            assertEquals("root", peerOf(daemon).getName(), "the daemon's SO_PEERCRED of a root client");
            // The other way round: a client's SO_PEERCRED of a uid-33 listener (taken at its listen).
            Files.createDirectory(open);
            Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            assertEquals("ok listener=" + wwwData.getName(), ask("unix-listener-as " + WWW_DATA + " "
                    + open.resolve("listener.sock")));
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(owned);
            Files.deleteIfExists(open.resolve("listener.sock"));
            Files.deleteIfExists(open);
            Files.delete(dir);
        }
    }

    /** The user of the next connection's SO_PEERCRED (the JDK reads it for UNIX channels). */
    private static java.nio.file.attribute.UserPrincipal peerOf(java.nio.channels.ServerSocketChannel daemon)
            throws IOException {
        try (java.nio.channels.SocketChannel c = daemon.accept()) {
            return c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
        }
    }

    @Test
    void aReceiverWithPasscredSeesTheSendingThreadsIdsNotTheAgents() throws Exception {
        Path dir = Files.createTempDirectory("jnerd-unix");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("log.sock");
        try (Fd receiver = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(receiver, SockAddr.unix(socket.toString()));
            Sockets.setIntOption(receiver, Sockets.SOL_SOCKET, Sockets.SO_PASSCRED, 1);
            Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            assertEquals("ok", ask("as-uid " + WWW_DATA + " unix-sendto " + socket));
            try (io.jnerd.nativebindings.ScmRights.Received r = io.jnerd.nativebindings.ScmRights.receive(receiver, 64, 0)) {
                assertEquals("probe", new String(r.data(), StandardCharsets.US_ASCII));
                assertEquals(WWW_DATA, r.credentials().uid(), "SCM_CREDENTIALS of a uid-33 sender");
                assertEquals(WWW_DATA, r.credentials().gid());
            }
            assertEquals("ok", ask("unix-sendto " + socket));
            try (io.jnerd.nativebindings.ScmRights.Received r = io.jnerd.nativebindings.ScmRights.receive(receiver, 64, 0)) {
                assertEquals(0, r.credentials().uid(), "SCM_CREDENTIALS of a root sender");
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    @Test
    void aThreadCannotReachASocketInADirectoryItCannotSearch() throws Exception {
        Path dir = Files.createTempDirectory("jnerd-unix");
        Path socket = dir.resolve("private.sock");
        Path open = dir.resolve("open");
        try (Fd listener = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(listener, SockAddr.unix(socket.toString()));
            Sockets.listen(listener, 4);
            // The socket is anyone's to write to; the directory only root's to search.
            Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            assertEquals("errno EACCES", ask("as-uid " + WWW_DATA + " unix-connect " + socket));
            // A bind in a directory anyone may write to, below it. (The child's answer is its
            // own failure to clean up, which it cannot either: the file must not be there.)
            Files.createDirectory(open);
            Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            ask("as-uid " + WWW_DATA + " unix-stream " + open.resolve("made.sock"));
            assertFalse(Files.exists(open.resolve("made.sock")), "a bind below it");
            assertEquals("ok", ask("unix-connect " + socket), "root is not refused");
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(open.resolve("made.sock"));
            Files.deleteIfExists(open);
            Files.delete(dir);
        }
    }

    /**
     * Not an assertion on time: what an AF_UNIX connect through the agent costs, for the
     * notes, by a root thread (the agent's own ids) and a uid-33 one (on the switching thread).
     */
    @Test
    void thousandsOfUnixConnectsThroughTheAgentAllArrive() throws Exception {
        Path dir = Files.createTempDirectory("jnerd-unix");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("busy.sock");
        int count = 3000;
        AtomicInteger accepted = new AtomicInteger();
        try (java.nio.channels.ServerSocketChannel daemon =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            daemon.bind(java.net.UnixDomainSocketAddress.of(socket), 4096);
            Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            daemon("busy-daemon", () -> {
                while (true) {
                    daemon.accept().close();
                    accepted.incrementAndGet();
                }
            });
            for (String who : List.of("", "as-uid " + WWW_DATA + " ")) {
                ask(who + "unix-connects 2000 " + socket);
                String answer = ask(who + "unix-connects " + count + " " + socket);
                assertTrue(answer.startsWith("ok nanos="), answer);
                String[] figures = answer.substring("ok nanos=".length()).split(" full=");
                long nanos = Long.parseLong(figures[0]);
                System.out.printf("AF_UNIX connect through the agent, %s: %d in %d ms, %.1f us each (%s found the"
                        + " backlog full)%n", who.isEmpty() ? "root thread" : "uid-33 thread", count, nanos / 1_000_000,
                        nanos / 1e3 / count, figures[1]);
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(dir);
        }
    }

    @Test
    void netlinkAsGetaddrinfoUsesItStillWorks() throws IOException {
        long continued = supervisor.stats().continued();
        // bind {0, 0} and sendto the kernel, both by the agent; the reply is lo's RTM_NEWADDR (20).
        assertEquals("ok sent=24 firstType=20", ask("netlink-dump"));
        assertEquals(continued, supervisor.stats().continued(), "a call was CONTINUEd");
    }

    @Test
    void fdsPassByScmRightsWhileCredentialsAndZerocopyAreRefused() throws IOException {
        assertEquals("ok fds=1 through=probe", ask("scm-rights"));
        assertEquals("errno EPERM", ask("scm-credentials"));
        assertEquals("errno ENOBUFS", ask("udp-zerocopy"));
    }

    @Test
    void connectRateWithTheQuickWait() throws IOException {
        // -Djnerd.test.connects=10000 for a figure to compare builds by (the ephemeral ports of
        // the host's namespace limit how many fit in a minute).
        int count = Integer.getInteger("jnerd.test.connects", 300);
        String answer = ask("connect-rate " + host.ipv4() + " " + TestHost.TCP_ECHO + " " + count);
        assertTrue(answer.startsWith("ok perSecond="), answer);
        System.out.println("connect+close/s through the quick path: " + answer.substring("ok perSecond=".length())
                + "; supervisor " + supervisor.stats());
    }

    private void assertNothingReachedTheHostLoopback() throws InterruptedException {
        // Datagrams in flight on loopback arrive within microseconds; give them a moment.
        Thread.sleep(200);
        assertEquals(0, hostLoopbackDatagrams.get(), "a datagram reached the host's 127.0.0.1");
        assertEquals(0, hostLoopbackConnections.get(), "a connection reached the host's 127.0.0.1");
    }
}
