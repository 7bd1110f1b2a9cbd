package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassDaemon;
import io.jnerd.netns.bypassd.BypassSpec;
import io.jnerd.netns.bypassd.PortSpec;
import io.jnerd.seccomp.profile.DefaultProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container's connect to its own published port after bypassd restarted: the container
 * publishes port 80 (its listener switched to a host socket on the host port) under one
 * daemon, which then stops for a restart (as on SIGTERM); the next daemon in its place must
 * still send the container's connect to 127.0.0.1:80 to that host socket. It knows the socket
 * only from the persisted state (a fresh daemon has bound nothing): without it the connect
 * stays in the container, where nothing listens any more.
 */
@Tag("privileged")
class BypassdRestartPublishedPortPrivilegedTest {

    private static final String BODY = "served across a bypassd restart";

    @TempDir
    Path dir;

    @Test
    void aSelfConnectToAPublishedPortIsStillMappedByTheNextDaemon() throws Exception {
        RuncBusybox containers = RuncBusybox.servingPage(dir, BODY);
        Path docroot = containers.docroot();
        int hostPort = RuncBusybox.freeHostPort();
        Path socket = dir.resolve("bypass4netnsd.sock");
        Path agent = dir.resolve("agent.sock");
        ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
        BypassDaemon first = new BypassDaemon(log::add);
        first.start(socket);
        new BypassClient(socket).start(new BypassSpec("published", agent.toString(), null, null,
                List.of(new PortSpec(List.of("tcp"), "127.0.0.1", hostPort, "", 80)), List.of("auto"), null));
        String script = "httpd -f -p 80 -h /www &"
                + " n=0 ; while [ ! -e /www/go ] && [ $n -lt 600 ] ; do n=$((n+1)) ; sleep 0.1 ; done"
                + " ; timeout 5 wget -q -O - http://127.0.0.1:80/index.html ; echo \" self=$?\"";
        CompletableFuture<String[]> run = CompletableFuture.supplyAsync(() -> {
            try {
                return containers.run(BypassProfile.of(DefaultProfile.get(), agent.toString()), script);
            } catch (Exception e) {
                return new String[] {"-", e.toString()};
            }
        });
        BypassDaemon second = null;
        try {
            String url = "http://127.0.0.1:" + hostPort + "/index.html";
            assertEquals(BODY, RuncBypassPrivilegedTest.fetchWithRetry(url), "the container's httpd listens on the host port");
            first.detach();
            second = new BypassDaemon(log::add);
            second.start(socket);
            Files.writeString(docroot.resolve("go"), "");
            String[] r = run.get(60, TimeUnit.SECONDS);
            assertEquals("0", r[0], r[1] + "\n" + String.join("\n", log));
            assertTrue(r[1].contains(BODY + " self=0"), "the container reached its own published port after the restart: "
                    + r[1] + "\n" + String.join("\n", log));
        } finally {
            if (!run.isDone()) {
                Files.writeString(docroot.resolve("go"), "");
                run.get(60, TimeUnit.SECONDS);
            }
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }
}
