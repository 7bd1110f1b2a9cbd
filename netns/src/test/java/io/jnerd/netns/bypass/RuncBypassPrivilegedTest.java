package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.jnerd.nativebindings.Processes;
import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.seccomp.agent.SeccompAgentServer;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runc containers, each in its own network namespace with nothing but lo (no
 * slirp4netns: what reaches the test host can only have been switched), under jnerd's
 * bypass profile, served by the chain bypassd uses: agent socket → supervisor →
 * {@link BypassHandler}, own subnets learned from the container ("auto").
 */
@Tag("privileged")
class RuncBypassPrivilegedTest {

    private static final int HTTP_PORT = 8000;
    private static final String BODY = "served by the test host";

    @TempDir
    static Path dir;

    private static TestHost host;
    private static RuncBusybox containers;
    private static ConnectWaiter waiter;
    private static BypassHandler bypass;
    private static Supervisor supervisor;
    private static SeccompAgentServer agent;
    private static HttpServer hostLoopback;
    private static final AtomicInteger HOST_LOOPBACK_REQUESTS = new AtomicInteger();
    private static int publishedHostPort;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(RuncBusybox.BUSYBOX), "busybox-static is not installed");
        Assumptions.assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        Path docroot = Files.createDirectories(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("index.html"), BODY);
        containers = RuncBusybox.prepare(dir, docroot);
        host = TestHost.start();
        host.namespace().startHttpd(docroot, HTTP_PORT);

        hostLoopback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        hostLoopback.createContext("/", exchange -> {
            HOST_LOOPBACK_REQUESTS.incrementAndGet();
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write("host loopback".getBytes(StandardCharsets.UTF_8));
            }
        });
        hostLoopback.start();

        waiter = new ConnectWaiter("bypass-connect-waiter");
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            publishedHostPort = free.getLocalPort();
        }
        bypass = new BypassHandler(IgnoreRules.parse(List.of("auto")),
                List.of(new PortMapping(InetAddress.getByName("127.0.0.1"), publishedHostPort, 80, Protocol.TCP)), waiter);
        supervisor = new Supervisor(bypass);
        agent = SeccompAgentServer.start(dir.resolve("agent.sock"), supervisor::supervise);
    }

    @AfterAll
    static void stop() throws IOException {
        if (agent != null) {
            agent.close();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        if (waiter != null) {
            waiter.close();
        }
        if (hostLoopback != null) {
            hostLoopback.stop(0);
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aContainerWithOnlyLoopbackFetchesFromTheTestHostThroughTheBypass() throws Exception {
        long switched = bypass.stats().connectsSwitched();
        String[] r = run(BypassProfile.of(DefaultProfile.get(), agent.path().toString()),
                "timeout 10 wget -q -O - http://" + host.ipv4() + ":" + HTTP_PORT + "/index.html");
        assertEquals("0", r[0], r[1]);
        assertEquals(BODY, r[1].trim());
        assertTrue(bypass.stats().connectsSwitched() > switched, "no connect was switched");
        assertTrue(supervisor.stats().bySyscall().getOrDefault("connect", 0L) > 0);
    }

    @Test
    void withoutTheBypassTheSameContainerReachesNothing() throws Exception {
        String[] r = run(DefaultProfile.get(),
                "timeout 10 wget -q -O - http://" + host.ipv4() + ":" + HTTP_PORT + "/index.html");
        assertNotEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("unreachable"), r[1]);
    }

    @Test
    void unixSocketPathsResolveInTheContainersOwnTree() throws Exception {
        long continued = supervisor.stats().continued();
        long notInet = bypass.stats().verdicts(Verdict.NOT_INET);
        // syslogd binds /dev/log and logger connects to it: both notified, both made by the
        // agent through the container's root, where /dev is the container's own tmpfs.
        String[] r = run(BypassProfile.of(DefaultProfile.get(), agent.path().toString()),
                "syslogd -n -O /dev/messages & sleep 0.5; logger -t jnerd through-the-agent; sleep 0.5;"
                        + " cat /dev/messages");
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("through-the-agent"), r[1]);
        assertEquals(continued, supervisor.stats().continued(), "a bind or connect was CONTINUEd");
        assertTrue(bypass.stats().verdicts(Verdict.NOT_INET) >= notInet + 2, "the bind and connect went by the agent");
    }

    @Test
    void theHostsLoopbackStaysOutOfReach() throws Exception {
        String[] r = run(BypassProfile.of(DefaultProfile.get(), agent.path().toString()),
                "timeout 10 wget -q -O - http://127.0.0.1:" + hostLoopback.getAddress().getPort() + "/");
        assertNotEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("refused"), r[1]);
        assertEquals(0, HOST_LOOPBACK_REQUESTS.get());
    }

    @Test
    void aPublishedPortIsServedFromTheContainerToTheHostAndToTheContainerItself() throws Exception {
        long binds = bypass.stats().bindsSwitched();
        // httpd in the background; the container fetches from itself, then waits for the host.
        String script = "httpd -p 80 -h /www && sleep 0.3 && timeout 10 wget -q -O - http://127.0.0.1:80/index.html"
                + " && echo && sleep 3";
        String[] result = new String[2];
        Thread container = new Thread(() -> {
            try {
                String[] r = run(BypassProfile.of(DefaultProfile.get(), agent.path().toString()), script);
                result[0] = r[0];
                result[1] = r[1];
            } catch (Exception e) {
                result[1] = e.toString();
            }
        });
        container.start();
        String fromHost = fetchWithRetry("http://127.0.0.1:" + publishedHostPort + "/index.html");
        container.join(60_000);
        assertEquals(BODY, fromHost, "the host reached the container's server through the host port");
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains(BODY), "the container reached its own published port: " + result[1]);
        assertTrue(bypass.stats().bindsSwitched() > binds, "the bind was not switched");
    }

    static String fetchWithRetry(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(url).openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                try (java.io.InputStream in = c.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static String[] run(SeccompProfile seccomp, String script) throws Exception {
        return containers.run(seccomp, script);
    }
}
