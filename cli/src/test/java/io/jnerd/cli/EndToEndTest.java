package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.ContainerdFixture;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

            // SIGTERM to jnerd goes to the container, whose handler's exit status becomes jnerd's.
            ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "run", "--rm", TestImages.NAME, "sh", "-c",
                    "trap 'echo got TERM; exit 42' TERM; echo ready; sleep 30 & wait");
            pb.environment().putAll(containerd.env(tmp.resolve("state")));
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            p.toHandle().destroy();
            assertEquals("got TERM", out.readLine());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(42, p.exitValue());

            String[] version = jnerd(containerd, new byte[0], "version");
            assertEquals("0", version[0], version[2]);
            assertTrue(version[1].contains("1.6"), version[1]);
            Leftovers.assertNone(containerd);
        }
    }
}
