package io.jnerd.netns.pasta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.Commands;
import io.jnerd.netns.HttpProbe;
import io.jnerd.netns.NamespaceHolder;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.netns.testhost.WebTestHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("privileged")
class PastaAttachTest {

    private static WebTestHost web;

    @BeforeAll
    static void testHost() throws Exception {
        web = WebTestHost.start("hello through pasta\n");
    }

    @AfterAll
    static void removeTestHost() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    @ParameterizedTest(name = "user namespace: {0}")
    @ValueSource(booleans = {false, true})
    void attachReachesTheTestHostAndPublishes(boolean userNamespace, @TempDir Path state) throws Exception {
        try (NamespaceHolder ns = NamespaceHolder.start(userNamespace)) {
            NetworkAttachment attachment = new PastaDriver(state).attach(NetnsTarget.ofPid(ns.pid()),
                    PortMappingParser.parse("127.0.0.1::8080"));
            try {
                // Our child, reaped as soon as it exits; init on this machine reaped a daemonized pasta 1.8 s late.
                assertEquals(ProcessHandle.current().pid(), ProcessHandle.of(attachment.driverPid())
                        .flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L), "pasta's parent");
                String links = ns.exec("ip", "-o", "-4", "addr", "show", "scope", "global").output();
                assertTrue(links.contains("inet "), "pasta configured an address: " + links);
                Commands.Result wget = ns.exec("busybox", "timeout", "10", "busybox", "wget", "-q", "-O", "-",
                        web.url());
                assertEquals(0, wget.status(), wget.output());
                assertEquals(web.body(), wget.output());

                Process httpd = ns.spawn("busybox", "httpd", "-f", "-p", "8080", "-h", web.docroot().toString());
                try {
                    ns.awaitTcpListener(8080);
                    PortMapping published = attachment.publishedPorts().get(0);
                    assertEquals(web.body(),
                            HttpProbe.get(new InetSocketAddress("127.0.0.1", published.hostPort()), "/index.html"));
                } finally {
                    httpd.destroyForcibly();
                    httpd.waitFor();
                }
            } finally {
                attachment.close();
            }
            assertFalse(ProcessHandle.of(attachment.driverPid()).map(ProcessHandle::isAlive).orElse(false),
                    "pasta still runs after detach");
            assertEquals(List.of(), Commands.processesMentioning(state.toString()));
            assertFalse(Files.exists(state.resolve("netns")), "the namespace bind mount is gone");
        }
    }

    /**
     * The shape of iperf3 through {@code -p}: a control connection stays open while a second
     * connection carries data. Published on the host's end of the test-host veth, as bench
     * does, so the connections take pasta's tap path, not a loopback splice.
     */
    @Test
    void aPublishedPortCarriesTwoConcurrentConnections(@TempDir Path state) throws Exception {
        InetAddress hostSide = web.testHost().hostAddress();
        try (NamespaceHolder ns = NamespaceHolder.start(true)) {
            NetworkAttachment attachment = new PastaDriver(state).attach(NetnsTarget.ofPid(ns.pid()),
                    PortMappingParser.parse(hostSide.getHostAddress() + "::7000"));
            try {
                Process echo = ns.spawn("socat", "TCP-LISTEN:7000,fork,reuseaddr", "PIPE");
                try {
                    ns.awaitTcpListener(7000);
                    InetSocketAddress published = new InetSocketAddress(hostSide,
                            attachment.publishedPorts().get(0).hostPort());
                    try (Socket control = connect(published)) {
                        assertEquals("hello\n", new String(echo(control, "hello\n".getBytes(StandardCharsets.US_ASCII)),
                                StandardCharsets.US_ASCII));
                        byte[] data = new byte[64 * 1024];
                        new Random(7).nextBytes(data);
                        try (Socket second = connect(published)) {
                            assertArrayEquals(data, echo(second, data), "the second connection carries its data");
                        }
                        assertEquals("still open\n", new String(echo(control, "still open\n".getBytes(StandardCharsets.US_ASCII)),
                                StandardCharsets.US_ASCII), "the first connection outlives the second");
                    }
                } finally {
                    echo.destroyForcibly();
                    echo.waitFor();
                }
            } finally {
                attachment.close();
            }
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Writes {@code payload} and reads as many bytes back (socat PIPE echoes them). */
    private static byte[] echo(Socket s, byte[] payload) throws IOException {
        s.getOutputStream().write(payload);
        s.getOutputStream().flush();
        byte[] back = s.getInputStream().readNBytes(payload.length);
        assertEquals(payload.length, back.length, "bytes echoed before the connection closed");
        return back;
    }
}
