package io.jnerd.netns.slirp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.Commands;
import io.jnerd.netns.HttpProbe;
import io.jnerd.netns.NamespaceHolder;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.NetworkSetupException;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.testhost.WebTestHost;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("privileged")
class Slirp4netnsDriverTest {

    private static WebTestHost web;

    @BeforeAll
    static void testHost() throws Exception {
        web = WebTestHost.start("hello from the test host\n");
    }

    @AfterAll
    static void removeTestHost() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    @ParameterizedTest(name = "user namespace: {0}")
    @ValueSource(booleans = {false, true})
    void attachConfiguresTap0AndReachesTheTestHost(boolean userNamespace, @TempDir Path state) throws Exception {
        try (NamespaceHolder ns = NamespaceHolder.start(userNamespace)) {
            Slirp4netnsDriver driver = new Slirp4netnsDriver(state);
            NetworkAttachment attachment = driver.attach(NetnsTarget.ofPid(ns.pid()), List.of());
            try {
                String addr = ns.exec("ip", "-o", "-4", "addr", "show", "dev", "tap0").output();
                assertTrue(addr.contains("inet 10.0.2.100/24"), addr);
                Commands.Result wget = ns.exec("busybox", "timeout", "10", "busybox", "wget", "-q", "-O", "-",
                        web.url());
                assertEquals(0, wget.status(), wget.output());
                assertEquals(web.body(), wget.output());
            } finally {
                attachment.close();
            }
            assertFalse(ProcessHandle.of(attachment.driverPid()).map(ProcessHandle::isAlive).orElse(false),
                    "slirp4netns still runs after detach");
            assertEquals(List.of(), Commands.processesMentioning(state.toString()));
            assertFalse(Files.exists(driver.apiSocket()));
            attachment.close();
        }
    }

    /**
     * As root, slirp4netns's sandbox (its own mount namespace, then pivot_root) must not
     * unmount anything of the host's: a named namespace (/run/netns/NAME, a shared mount)
     * still enters while it runs and after.
     */
    @Test
    void theSandboxLeavesTheHostsNamedNamespacesMounted(@TempDir Path state) throws Exception {
        String name = "jnerd-s4-" + ProcessHandle.current().pid();
        Commands.ok("ip", "netns", "add", name);
        try {
            try (NamespaceHolder ns = NamespaceHolder.start(false);
                    NetworkAttachment a = new Slirp4netnsDriver(state).attach(NetnsTarget.ofPid(ns.pid()), List.of())) {
                assertEquals(0, Commands.run("ip", "netns", "exec", name, "true").status(), "while slirp4netns runs");
            }
            assertEquals(0, Commands.run("ip", "netns", "exec", name, "true").status(), "after slirp4netns");
        } finally {
            Commands.run("ip", "netns", "del", name);
        }
    }

    @Test
    void publishedPortReachesAServerInsideTheNamespace(@TempDir Path state) throws Exception {
        try (NamespaceHolder ns = NamespaceHolder.start(false);
                NetworkAttachment attachment = new Slirp4netnsDriver(state).attach(NetnsTarget.ofPid(ns.pid()),
                        PortMappingParser.parse("127.0.0.1::8080"))) {
            Process httpd = ns.spawn("busybox", "httpd", "-f", "-p", "8080", "-h", web.docroot().toString());
            try {
                ns.awaitTcpListener(8080);
                PortMapping published = attachment.publishedPorts().get(0);
                assertTrue(published.hostPort() > 0, "a concrete host port was chosen");
                String body = HttpProbe.get(new InetSocketAddress("127.0.0.1", published.hostPort()), "/index.html");
                assertEquals(web.body(), body);

                Slirp4netnsApi api = new Slirp4netnsApi(state.resolve("slirp4netns.sock"));
                List<HostForward> forwards = api.listHostfwd();
                assertEquals(1, forwards.size());
                HostForward f = forwards.get(0);
                assertEquals(Protocol.TCP, f.protocol());
                assertEquals("127.0.0.1", f.hostAddr());
                assertEquals(published.hostPort(), f.hostPort());
                assertEquals(8080, f.guestPort());
                api.removeHostfwd(f.id());
                assertEquals(List.of(), api.listHostfwd());
                assertThrows(ConnectException.class,
                        () -> HttpProbe.get(new InetSocketAddress("127.0.0.1", published.hostPort()), "/index.html"));
                java.io.IOException stale = assertThrows(java.io.IOException.class, () -> api.removeHostfwd(f.id()));
                assertTrue(stale.getMessage().endsWith("bad request: remove_hostfwd: bad arguments.id"), stale.getMessage());
            } finally {
                httpd.destroyForcibly();
                httpd.waitFor();
            }
        }
    }

    @Test
    void aPortInUseFailsTheAttachAndLeavesNothing(@TempDir Path state) throws Exception {
        try (NamespaceHolder ns = NamespaceHolder.start(false);
                ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String spec = "127.0.0.1:" + taken.getLocalPort() + ":80";
            NetworkSetupException e = assertThrows(NetworkSetupException.class,
                    () -> new Slirp4netnsDriver(state).attach(NetnsTarget.ofPid(ns.pid()), PortMappingParser.parse(spec)));
            assertTrue(e.getMessage().startsWith("cannot publish " + spec + "/tcp: slirp4netns add_hostfwd"), e.getMessage());
            assertEquals(List.of(), Commands.processesMentioning(state.toString()));
            assertFalse(Files.exists(state.resolve("slirp4netns.sock")));
        }
    }

    @Test
    void aTargetThatIsGoneFailsWithSlirp4netnsOwnWords(@TempDir Path state) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        NetworkSetupException e = assertThrows(NetworkSetupException.class,
                () -> new Slirp4netnsDriver(state).attach(NetnsTarget.ofPid(gone.pid()), List.of()));
        assertTrue(e.getMessage().startsWith("slirp4netns failed for netns of pid " + gone.pid() + ": "), e.getMessage());
        assertEquals(List.of(), Commands.processesMentioning(state.toString()));
    }

    @Test
    void attachByNamespacePath(@TempDir Path state) throws Exception {
        try (NamespaceHolder ns = NamespaceHolder.start(false);
                NetworkAttachment attachment = new Slirp4netnsDriver(state).attach(
                        NetnsTarget.ofPath(Path.of("/proc", Long.toString(ns.pid()), "ns", "net"), null), List.of())) {
            assertTrue(attachment.driverPid() > 0);
            assertTrue(ns.exec("ip", "-o", "-4", "addr", "show", "dev", "tap0").output().contains("10.0.2.100/24"));
        }
    }

    @Test
    void aMissingBinaryIsOneLine(@TempDir Path state) {
        NetworkSetupException e = assertThrows(NetworkSetupException.class,
                () -> new Slirp4netnsDriver(state, "slirp4netns-not-installed", 65520, true, true)
                        .attach(NetnsTarget.ofPid(1), List.of()));
        assertEquals("slirp4netns-not-installed not found in PATH: install it (Debian: apt-get install slirp4netns)",
                e.getMessage());
    }
}
