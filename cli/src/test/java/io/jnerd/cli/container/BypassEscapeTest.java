package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.engine.image.OciImageBuilder;
import io.jnerd.cli.testing.Cli;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14's "Done when" under jnerd's own profile: {@code jnerd run --net=bypass4netns}
 * (real containerd, runc and slirp4netns; the bypass served by jnerd run itself) of a
 * hostile program, the netns module's {@code io/jnerd/netns/escape/attacker.c}, which tries
 * each class of way around the switch (compat ABIs, fd swaps under a checked call, sends
 * with an address and TCP fast open on switched sockets, unreadable arguments) to reach TCP
 * and UDP listeners on the host's 127.0.0.1. They must receive nothing, and the same
 * container's traffic to the test host must flow before and after. The attacker bounds its
 * races in time and prints its counts, which are in every failure message.
 */
@Tag("privileged")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BypassEscapeTest {
    static final String IMAGE = "jnerd-test/attacker:latest";
    /** The attacker's source, in the netns module (its escape tests through bypassd use it too). */
    static final Path SOURCE = Path.of("..", "netns", "src", "test", "resources", "io", "jnerd", "netns", "escape",
            "attacker.c");
    static final int TCP_ECHO = 7000;
    static final int UDP_ECHO = 7001;
    static final int CLOSED_PORT = 7002;
    static final int PUBLISHED_CONTAINER_PORT = 8080;

    @TempDir
    static Path tmp;
    static ContainerdFixture containerd;
    /** jnerd run finding no bypassd: it serves the bypass itself. */
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns (apt-get install slirp4netns)");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the attacker's i386 and x32 calls are x86_64 code");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "needs gcc and a static libc (apt-get install gcc libc6-dev)");
        assumeTrue(Files.isExecutable(TestImages.BUSYBOX), "needs " + TestImages.BUSYBOX + " (apt-get install busybox-static)");
        containerd = ContainerdFixture.start();
        Path attacker = tmp.resolve("attacker");
        Process gcc = new ProcessBuilder("/usr/bin/gcc", "-static", "-O2", "-pthread", "-o", attacker.toString(),
                SOURCE.toString()).redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(120, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc -static " + SOURCE + ": " + gccOut);
        Path archive = tmp.resolve("attacker.tar");
        OciImageBuilder.busybox(TestImages.BUSYBOX).addFile(attacker, "/bin/attacker", 0755).cmd(List.of("sh")).build()
                .writeOciArchive(archive, IMAGE);
        Cli plain = new Cli(containerd, tmp.resolve("state"));
        Cli.Result load = plain.run("load", "-q", "-i", archive.toString());
        assertEquals(0, load.exitCode, load.toString());
        cli = plain.withEnv(Map.of("XDG_RUNTIME_DIR", Files.createDirectories(tmp.resolve("xdg-empty")).toString()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (containerd != null) {
            containerd.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        Leftovers.assertNone(containerd);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"compat", "swap", "nerdctl", "failopen"})
    void aBypassedContainerReachesNothingOnTheHostsLoopback(String mode) throws Exception {
        int hostPort = freePort();
        // A test host per run: one run's floods must not leave the next one's echo servers behind.
        try (TestHostNamespace testHost = TestHostNamespace.create(); LoopbackTraps loopback = LoopbackTraps.open()) {
            testHost.startTcpEcho(TCP_ECHO);
            testHost.startUdpEcho(UDP_ECHO);
            String attack = String.join(" ", "/bin/attacker", mode, testHost.address().getHostAddress(),
                    Integer.toString(TCP_ECHO), Integer.toString(UDP_ECHO), Integer.toString(CLOSED_PORT),
                    Integer.toString(loopback.tcpPort()), Integer.toString(loopback.udpPort()),
                    Integer.toString(PUBLISHED_CONTAINER_PORT));
            Cli.Result r = cli.run("run", "--rm", "--net", "bypass4netns", "-p",
                    "127.0.0.1:" + hostPort + ":" + PUBLISHED_CONTAINER_PORT, IMAGE, "sh", "-c", attack + " 2>&1; echo exit $?");
            // Datagrams and bytes in flight when the container ended.
            Thread.sleep(300);
            String evidence = mode + ": listeners " + loopback.counts() + "\n" + r;
            // The counts of every run, passed or not, in the test's report: the races' reach is seen there.
            System.out.println(evidence);
            assertAll(
                    () -> assertTrue(loopback.reachedNothing(), "the host's 127.0.0.1 was reached: " + evidence),
                    () -> assertEquals(-1, r.out.indexOf("HOST-LISTEN"), "a host socket listens on a port nobody "
                            + "published: " + evidence),
                    () -> assertEquals(0, r.exitCode, evidence),
                    () -> assertTrue(r.out.endsWith("exit 0\n"), "the attacker ran to its end: " + evidence),
                    () -> assertEquals(-1, r.out.indexOf("FAILED"), "a legitimate round trip failed: " + evidence),
                    () -> {
                        for (String line : List.of("legit tcp before ok", "legit udp before ok", "legit tcp after ok",
                                "legit udp after ok")) {
                            assertTrue(r.out.contains(line + "\n"), "missing \"" + line + "\": " + evidence);
                        }
                    });
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A TCP and a UDP socket on the host's 127.0.0.1 (ephemeral ports) served by one selector
     * thread that counts connections, bytes and datagrams: all must stay 0.
     */
    static final class LoopbackTraps implements AutoCloseable {
        private final Selector selector;
        private final ServerSocketChannel tcp;
        private final DatagramChannel udp;
        private final AtomicLong accepts = new AtomicLong();
        private final AtomicLong tcpBytes = new AtomicLong();
        private final AtomicLong datagrams = new AtomicLong();
        private final AtomicLong udpBytes = new AtomicLong();
        private final Thread loop;
        private volatile boolean closing;

        private LoopbackTraps() throws IOException {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            selector = Selector.open();
            tcp = ServerSocketChannel.open().bind(loopback, 256);
            udp = DatagramChannel.open().bind(loopback);
            tcp.configureBlocking(false).register(selector, SelectionKey.OP_ACCEPT);
            udp.configureBlocking(false).register(selector, SelectionKey.OP_READ);
            loop = new Thread(this::serve, "escape-loopback-traps");
            loop.setDaemon(true);
        }

        static LoopbackTraps open() throws IOException {
            LoopbackTraps t = new LoopbackTraps();
            t.loop.start();
            return t;
        }

        int tcpPort() throws IOException {
            return ((InetSocketAddress) tcp.getLocalAddress()).getPort();
        }

        int udpPort() throws IOException {
            return ((InetSocketAddress) udp.getLocalAddress()).getPort();
        }

        String counts() {
            return "accepts=" + accepts.get() + " tcpBytes=" + tcpBytes.get() + " datagrams=" + datagrams.get()
                    + " udpBytes=" + udpBytes.get();
        }

        boolean reachedNothing() {
            return accepts.get() + tcpBytes.get() + datagrams.get() + udpBytes.get() == 0;
        }

        private void serve() {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            try {
                while (!closing) {
                    selector.select();
                    for (SelectionKey key : selector.selectedKeys()) {
                        buffer.clear();
                        if (key.isAcceptable()) {
                            SocketChannel c = tcp.accept();
                            if (c != null) {
                                accepts.incrementAndGet();
                                c.configureBlocking(false).register(selector, SelectionKey.OP_READ);
                            }
                        } else if (key.channel() == udp) {
                            if (udp.receive(buffer) != null) {
                                datagrams.incrementAndGet();
                                udpBytes.addAndGet(buffer.position());
                            }
                        } else {
                            SocketChannel c = (SocketChannel) key.channel();
                            int n = c.read(buffer);
                            if (n < 0) {
                                c.close();
                            } else {
                                tcpBytes.addAndGet(n);
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                // counted what came; close() closes the rest
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // closing: nothing more to count
                    }
                }
            }
        }

        /** Ends the selector thread, which closes every channel (the accepted ones too). */
        @Override
        public void close() throws IOException {
            closing = true;
            selector.wakeup();
            try {
                loop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                tcp.close();
                udp.close();
                selector.close();
            }
        }
    }
}
