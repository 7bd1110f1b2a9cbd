package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.Main;
import io.jnerd.proto.testing.ContainerdFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What systemd's socket activation does, done by perl (always on Debian): bind and listen, put
 * the socket at fd 3, set LISTEN_FDS=1 and LISTEN_PID to the pid that then execs
 * {@code jnerd daemon} (over a real containerd, as the units in contrib/systemd run it).
 */
@Tag("privileged")
class SocketActivationTest {

    private static final String ACTIVATE = "BEGIN { $^F = 3 } use Socket; use POSIX ();"
            + " socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\";"
            + " bind($s, pack_sockaddr_un(shift @ARGV)) or die \"bind: $!\"; listen($s, 16) or die \"listen: $!\";"
            + " if (fileno($s) != 3) { POSIX::dup2(fileno($s), 3) or die \"dup2: $!\" }"
            + " $ENV{LISTEN_FDS} = 1; $ENV{LISTEN_PID} = $$; exec @ARGV or die \"exec: $!\"";

    @TempDir
    Path dir;

    @Test
    void theDaemonServesTheSocketItIsHandedAndLeavesItToItsOwner() throws Exception {
        DockerCli.binary();
        try (ContainerdFixture containerd = ContainerdFixture.start()) {
            servesTheHandedSocket(containerd);
        }
    }

    private void servesTheHandedSocket(ContainerdFixture containerd) throws Exception {
        Path socket = dir.resolve("activated.sock");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = dir.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder("perl", "-e", ACTIVATE, socket.toString(), java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "daemon", "--debug")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(containerd.env(dir.resolve("state")));
        Process daemon = pb.start();
        try {
            // perl binds before it execs: from then on connections wait in the backlog for the daemon.
            for (int i = 0; i < 500 && !Files.exists(socket) && daemon.isAlive(); i++) {
                Thread.sleep(10);
            }
            Files.createDirectories(dir.resolve("config"));
            DockerCli.Result r = new DockerCli(socket, dir.resolve("config")).run(Map.of(), "version", "--format",
                    "{{.Server.APIVersion}}");
            assertEquals(0, r.exit(), r.err() + Files.readString(log));
            assertEquals("1.44", r.out().trim());
        } finally {
            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon stops on SIGTERM");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(out.contains("serving the socket systemd passed (fd 3)"), out);
        assertTrue(out.contains("GET /v1.44/version -> 200"), out);
        assertTrue(Files.exists(socket), "the socket belongs to whoever bound it (systemd): it stays");
    }
}
