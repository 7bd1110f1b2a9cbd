package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.netns.testhost.TestHostNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher (bin/jnerd, the shaded jar, a fresh JVM per command) against a real
 * containerd. Runs after packaging (surefire execution "end-to-end" in cli/pom.xml).
 */
@Tag("privileged")
class EndToEndTest {
    @TempDir
    Path tmp;

    private static Path launcher() {
        return Path.of(System.getProperty("user.dir")).getParent().resolve("bin/jnerd");
    }

    private String[] jnerd(ContainerdFixture containerd, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(containerd.env(tmp.resolve("state")));
        pb.redirectError(tmp.resolve("stderr").toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jnerd " + String.join(" ", args) + " finished");
        return new String[] {Integer.toString(p.exitValue()), out, Files.readString(tmp.resolve("stderr"))};
    }

    @Test
    void launcherRunsTheShadedJar() throws Exception {
        assumeTrue(Files.isExecutable(launcher()), "needs bin/jnerd at " + launcher());
        try (ContainerdFixture containerd = ContainerdFixture.start()) {
            Path archive = TestImages.busyboxArchive(tmp);
            String[] load = jnerd(containerd, Files.readAllBytes(archive), "load");
            assertEquals("0", load[0], load[2]);
            assertEquals("Loaded image: docker.io/jnerd-test/busybox:latest\n", load[1]);

            String[] run = jnerd(containerd, "hi\n".getBytes(StandardCharsets.UTF_8),
                    "run", "--rm", "-i", TestImages.NAME, "sh", "-c", "cat; exit 7");
            assertEquals("7", run[0], run[2]);
            assertEquals("hi\n", run[1]);
            assertEquals("", run[2], "no warnings on stderr");

            String[] missing = jnerd(containerd, new byte[0], "run", "--rm", TestImages.NAME, "nope");
            assertEquals("127", missing[0]);
            assertEquals(1, missing[2].lines().count(), missing[2]);

            // SIGTERM to jnerd goes to the container, whose handler's exit status becomes jnerd's;
            // more SIGTERMs during the clean-up (a supervisor insisting) do not cut it short. Once
            // the clean-up is done one may still end jnerd (143) before it exits with 42.
            ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "run", "--rm", "--net=slirp4netns",
                    TestImages.NAME, "sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo ready; sleep 30 & wait");
            pb.environment().putAll(containerd.env(tmp.resolve("state")));
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            p.toHandle().destroy();
            assertEquals("got TERM", out.readLine());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!p.waitFor(20, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                p.toHandle().destroy();
            }
            assertTrue(p.exitValue() == 42 || p.exitValue() == 128 + 15, "exit " + p.exitValue());
            try (var netDirs = Files.list(tmp.resolve("state").resolve("net"))) {
                assertEquals(List.of(), netDirs.toList(), "network dirs left");
            }

            String[] version = jnerd(containerd, new byte[0], "version");
            assertEquals("0", version[0], version[2]);
            assertTrue(version[1].contains("1.6"), version[1]);
            Leftovers.assertNone(containerd);
        }
    }

    /**
     * {@code run -d} with a driver network returns at once and leaves the network to a keeper
     * process: bypass4netns (served in the keeper: no bypassd here) reaches a test host after
     * jnerd exited and {@code rm -f} ends keeper and slirp4netns; a slirp4netns container
     * whose published port was used, and which then exits by itself, takes them along.
     */
    @Test
    void detachedNetworksOutliveJnerdAndEndWithTheContainer() throws Exception {
        assumeTrue(Files.isExecutable(launcher()), "needs bin/jnerd at " + launcher());
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns (apt-get install slirp4netns)");
        Path docroot = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(docroot.resolve("index.html"), "from the test host\n");
        try (ContainerdFixture containerd = ContainerdFixture.start(); TestHostNamespace testHost = TestHostNamespace.create()) {
            testHost.startHttpd(docroot, 8080);
            Path archive = TestImages.busyboxArchive(tmp);
            assertEquals("0", jnerd(containerd, Files.readAllBytes(archive), "load")[0]);
            String url = "http://" + testHost.address().getHostAddress() + ":8080/index.html";

            String[] bypass = jnerd(containerd, new byte[0], "run", "-d", "--net=bypass4netns", TestImages.NAME, "sh", "-c",
                    "timeout 10 wget -qO- " + url + "; sleep 60");
            assertEquals("0", bypass[0], bypass[2]);
            String id = bypass[1].trim();
            assertEquals("from the test host\n", awaitLogs(containerd, id, "test host"));
            String holders = Leftovers.processesOf(id);
            assertTrue(holders.contains("slirp4netns"), "the keeper's slirp4netns holds the network: " + holders);
            String[] rm = jnerd(containerd, new byte[0], "rm", "-f", id);
            assertEquals("0", rm[0], rm[2]);
            assertEquals("", Leftovers.processesOf(id), "no slirp4netns left after rm -f");

            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String[] slirp = jnerd(containerd, new byte[0], "run", "-d", "--net=slirp4netns", "-p",
                    "127.0.0.1:" + port + ":80", TestImages.NAME, "sh", "-c", "echo hello-detached | nc -l -p 80");
            assertEquals("0", slirp[0], slirp[2]);
            String exits = slirp[1].trim();
            assertEquals("hello-detached\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Leftovers.processesOf(exits).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals("", Leftovers.processesOf(exits), "keeper and slirp4netns end with the container");
            assertEquals("0", jnerd(containerd, new byte[0], "rm", exits)[0]);
            Leftovers.assertNone(containerd);
        }
    }

    private String awaitLogs(ContainerdFixture containerd, String id, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String logs = "";
        while (!logs.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            logs = jnerd(containerd, new byte[0], "logs", id)[1];
        }
        return logs;
    }
}
