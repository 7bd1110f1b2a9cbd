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
 * Published ports of runc containers across a bypassd restart (two daemons in this process,
 * one after the other on the same socket, as a SIGTERM and a new start leave them). A
 * container's connect to its own published port after the restart: the container publishes
 * port 80 (its listener switched to a host socket on the host port) under one daemon; the
 * next must still send its connect to 127.0.0.1:80 to that host socket, which it knows only
 * from the persisted state (without it the connect stays in the container, where nothing
 * listens any more). And a container created while no daemon runs: it starts (runc's
 * connect to the agent socket waits in the backlog of the copy the fd store kept), and its
 * bind to port 80 is switched once the next daemon is up.
 */
@Tag("privileged")
class BypassdRestartPublishedPortPrivilegedTest {

    private static final String BODY = "served across a bypassd restart";

    @TempDir
    Path dir;

    /** What the daemons of a test logged, for the failure messages. */
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    /** A daemon on {@link #socket()} serving bypass {@code id}: container port 80 published on 127.0.0.1:{@code hostPort}. */
    private BypassDaemon daemonPublishing(String id, int hostPort) throws Exception {
        BypassDaemon daemon = new BypassDaemon(log::add);
        daemon.start(socket());
        new BypassClient(socket()).start(new BypassSpec(id, agent().toString(), null, null,
                List.of(new PortSpec(List.of("tcp"), "127.0.0.1", hostPort, "", 80)), List.of("auto"), null));
        return daemon;
    }

    private Path socket() {
        return dir.resolve("bypass4netnsd.sock");
    }

    private Path agent() {
        return dir.resolve("agent.sock");
    }

    @Test
    void aSelfConnectToAPublishedPortIsStillMappedByTheNextDaemon() throws Exception {
        RuncBusybox containers = RuncBusybox.servingPage(dir, BODY);
        Path docroot = containers.docroot();
        int hostPort = RuncBusybox.freeHostPort();
        BypassDaemon first = daemonPublishing("published", hostPort);
        String script = "httpd -f -p 80 -h /www &"
                + " n=0 ; while [ ! -e /www/go ] && [ $n -lt 600 ] ; do n=$((n+1)) ; sleep 0.1 ; done"
                + " ; timeout 5 wget -q -O - http://127.0.0.1:80/index.html ; echo \" self=$?\"";
        CompletableFuture<String[]> run = CompletableFuture.supplyAsync(() -> {
            try {
                return containers.run(BypassProfile.of(DefaultProfile.get(), agent().toString()), script);
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
            second.start(socket());
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

    @Test
    void aContainerCreatedWhileNoDaemonRunsStartsAndIsServedByTheNextOne() throws Exception {
        RuncBusybox containers = RuncBusybox.servingPage(dir, BODY);
        int hostPort = RuncBusybox.freeHostPort();
        BypassDaemon first = daemonPublishing("created-meanwhile", hostPort);
        first.detach();
        BypassDaemon second = null;
        String id = null;
        try {
            // runc run -d returns once the container runs: its listener waits, unaccepted, for a daemon.
            id = containers.startDetached(BypassProfile.of(DefaultProfile.get(), agent().toString()), "httpd -f -p 80 -h /www",
                    dir.resolve("created-meanwhile.out"));
            second = new BypassDaemon(log::add);
            second.start(socket());
            assertEquals(BODY, RuncBypassPrivilegedTest.fetchWithRetry("http://127.0.0.1:" + hostPort + "/index.html"),
                    "the bind the container made while no daemon ran was switched by the next one: " + String.join("\n", log));
            assertEquals(1, new BypassClient(socket()).stats("created-meanwhile").listenersReceived(),
                    "the new daemon received the listener runc sent while none ran");
        } finally {
            if (id != null) {
                containers.delete(id);
            }
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }
}
