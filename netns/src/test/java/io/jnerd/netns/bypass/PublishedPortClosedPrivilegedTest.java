package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.seccomp.agent.SeccompAgentServer;
import io.jnerd.seccomp.notify.Supervisor;
import io.jnerd.seccomp.profile.DefaultProfile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container publishes port 80 (switched: its listener is a host socket on the host port),
 * fetches from itself, closes its listener, and then a host service takes the host port on
 * the host's loopback. The container's next connect to its own port 80 must stay in the
 * container and never reach that host service.
 */
@Tag("privileged")
class PublishedPortClosedPrivilegedTest {

    private static final String BODY = "served by the container itself";

    @TempDir
    Path dir;

    @Test
    void aHostServiceOnTheFreedPortIsNotReachedThroughTheOldMapping() throws Exception {
        RuncBusybox containers = RuncBusybox.servingPage(dir, BODY);
        Path docroot = containers.docroot();
        int hostPort = RuncBusybox.freeHostPort();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        // The container's script: serve, fetch from itself, stop serving, wait for the host's
        // service to take the port, fetch from "itself" again.
        // (The first fetch is retried: on a loaded machine httpd may not listen yet.)
        String script = "httpd -f -p 80 -h /www & pid=$!"
                + " ; first=1 ; n=0 ; while [ $n -lt 100 ] ; do"
                + " if timeout 5 wget -q -O - http://127.0.0.1:80/index.html ; then first=0 ; break ; fi ;"
                + " n=$((n+1)) ; sleep 0.1 ; done ; echo \" first=$first\""
                + " ; kill $pid ; wait $pid"
                + " ; n=0 ; while [ ! -e /www/go ] && [ $n -lt 300 ] ; do n=$((n+1)) ; sleep 0.1 ; done"
                + " ; timeout 5 wget -q -O - http://127.0.0.1:80/index.html ; echo \" second=$?\"";
        try (ConnectWaiter waiter = new ConnectWaiter("published-closed-waiter")) {
            BypassHandler bypass = new BypassHandler(IgnoreRules.parse(List.of("auto")),
                    List.of(new PortMapping(loopback, hostPort, 80, Protocol.TCP)), waiter);
            try (Supervisor supervisor = new Supervisor(bypass);
                    SeccompAgentServer agent = SeccompAgentServer.start(dir.resolve("agent.sock"), supervisor::supervise)) {
                CompletableFuture<String[]> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return containers.run(BypassProfile.of(DefaultProfile.get(), agent.path().toString()), script);
                    } catch (Exception e) {
                        return new String[] {"-", e.toString()};
                    }
                });
                try {
                    fetchAgainOnceTheHostTookThePort(bypass, run, new InetSocketAddress(loopback, hostPort), docroot);
                } finally {
                    // Let a container the test gave up on end (runc run deletes it then).
                    if (!run.isDone()) {
                        Files.writeString(docroot.resolve("go"), "");
                        run.get(60, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    private static void fetchAgainOnceTheHostTookThePort(BypassHandler bypass, CompletableFuture<String[]> run,
            InetSocketAddress hostPort, Path docroot) throws Exception {
        awaitSelfConnect(bypass, run);
        AtomicInteger reached = new AtomicInteger();
        try (ServerSocket hostService = takeOnceFree(hostPort, run)) {
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try (Socket s = hostService.accept()) {
                        reached.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.start();
            Files.writeString(docroot.resolve("go"), "");
            String[] r = run.get(60, TimeUnit.SECONDS);
            assertEquals("0", r[0], r[1]);
            assertTrue(r[1].contains(BODY + " first=0"), "the container reached its own published port: " + r[1]);
            assertTrue(r[1].contains(" second=") && !r[1].contains(" second=0"), r[1]);
            assertEquals(0, reached.get(), "the host service on the freed port was reached from the container");
        }
    }

    /**
     * Until the container fetched from itself: its listener listens on the host port then, so
     * a host socket can bind that port (SO_REUSEADDR) only once the listener is gone.
     */
    private static void awaitSelfConnect(BypassHandler bypass, CompletableFuture<String[]> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (bypass.stats().connectsSwitched() == 0) {
            assertTrue(System.nanoTime() < deadline && !run.isDone(),
                    () -> "no connect was switched: " + verdicts(bypass) + String.join(" ", run.getNow(new String[] {""})));
            Thread.sleep(20);
        }
    }

    private static String verdicts(BypassHandler bypass) {
        StringBuilder out = new StringBuilder();
        for (Verdict v : Verdict.values()) {
            if (bypass.stats().verdicts(v) > 0) {
                out.append(v).append('=').append(bypass.stats().verdicts(v)).append(' ');
            }
        }
        return out.toString();
    }

    /** Binds {@code address} as soon as the container's listener let go of it. */
    private static ServerSocket takeOnceFree(InetSocketAddress address, CompletableFuture<String[]> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            try {
                s.bind(address, 16);
                return s;
            } catch (IOException inUse) {
                s.close();
                assertTrue(System.nanoTime() < deadline && !run.isDone(), "the container's listener never let go of " + address);
                Thread.sleep(20);
            }
        }
    }
}
