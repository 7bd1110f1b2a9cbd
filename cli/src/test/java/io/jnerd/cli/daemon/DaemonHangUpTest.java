package io.jnerd.cli.daemon;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.Daemon;
import io.jnerd.api.EngineRoutes;
import io.jnerd.api.EngineSummary;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.http.ServerFds;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.testing.ContainerdFixture;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that hang up while the daemon waits for a running container (docker wait, logs -f
 * of a silent one): the daemon lets go of them — no connection fd, no thread still in the
 * request — while the container runs on. The daemon runs in this JVM so its threads can be seen.
 */
@Tag("privileged")
class DaemonHangUpTest {
    @TempDir
    Path tmp;

    @Test
    void hangingUpMidWaitAndMidFollowLeavesNothingBehind() throws Exception {
        try (ContainerdFixture fixture = ContainerdFixture.start()) {
            Cli cli = new Cli(fixture, tmp.resolve("state"));
            assertEquals(0, cli.run("load", "-i", TestImages.busyboxArchive(tmp).toString()).exitCode);
            Cli.Result run = cli.run("run", "-d", "--name", "quiet", "--net", "none", TestImages.NAME, "sleep", "300");
            assertEquals(0, run.exitCode, run.toString());
            try (Containerd containerd = fixture.connect();
                    Daemon daemon = Daemon.start("unix://" + tmp.resolve("d.sock"), Map.of(), "test",
                            () -> EngineSummary.NONE, false, line -> { }, api -> EngineRoutes.register(api, containerd,
                                    Map.of(), "overlayfs", cli.stateDir(), Optional.empty(),
                                    io.jnerd.cli.Main.class.getName(), line -> { }, null))) {
                long fdsBefore = ServerFds.count(daemon.socket());
                for (String request : new String[] {"POST /containers/quiet/wait HTTP/1.1\r\nHost: d\r\n\r\n",
                        "GET /containers/quiet/logs?stdout=1&follow=1 HTTP/1.1\r\nHost: d\r\n\r\n"}) {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
                        ch.write(ByteBuffer.wrap(request.getBytes(US_ASCII)));
                        ByteBuffer head = ByteBuffer.allocate(4096);
                        while (head.position() < 12 && ch.read(head) >= 0) {
                            // until the status line is in: the route is blocked on the container now
                        }
                        assertTrue(new String(head.array(), 0, head.position(), US_ASCII).startsWith("HTTP/1.1 200"));
                    }
                }
                // The hang-ups reach the server asynchronously: wait (bounded) for it to let go.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while ((ServerFds.busyWorkers() > 0 || ServerFds.count(daemon.socket()) != fdsBefore)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, ServerFds.busyWorkers(), "no connection thread is still waiting on the container");
                assertEquals(fdsBefore, ServerFds.count(daemon.socket()), "no connection of theirs is held");
            } finally {
                assertEquals(0, cli.run("rm", "-f", "quiet").exitCode);
            }
            Leftovers.assertNone(fixture);
        }
    }
}
