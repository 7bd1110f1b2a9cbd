package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.ContainerdFixture;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The docker-shaped listing and container commands against a real containerd + runc. */
@Tag("privileged")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ContainerCommandsTest {
    static final String IMAGE = TestImages.NAME;
    static ContainerdFixture containerd;
    @TempDir
    static Path tmp;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        containerd = ContainerdFixture.start();
        cli = new Cli(containerd, tmp.resolve("state"));
        Cli.Result load = cli.run("load", "-q", "-i", TestImages.busyboxArchive(tmp).toString());
        assertEquals(0, load.exitCode, load.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        Leftovers.assertNone(containerd);
    }

    @Test
    void psShowsThePublishedPortsStatusAndFormats() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "needs slirp4netns");
        Cli.Result d = cli.run("run", "-d", "--name", "web", "-l", "team=a", "--net=slirp4netns", "-p", "127.0.0.1::80",
                IMAGE, "sh", "-c", "echo hi | nc -l -p 80");
        assertEquals(0, d.exitCode, d.toString());
        String id = d.out.trim().substring(0, 12);

        Cli.Result ps = cli.run("ps");
        assertTrue(ps.out.startsWith("CONTAINER ID   IMAGE   "), ps.out);
        assertTrue(ps.out.lines().findFirst().get().matches(".*   STATUS +PORTS +NAMES"), ps.out);
        Matcher row = Pattern.compile(id + ".* ((?:\\d+ seconds?|Less than a second) ago) +(Up \\S+(?: \\S+)*?) +"
                + "127\\.0\\.0\\.1:(\\d+)->80/tcp +web\n").matcher(ps.out);
        assertTrue(row.find(), ps.out);
        assertTrue(row.group(2).matches("Up (\\d+ seconds?|Less than a second)"), row.group(2));
        int port = Integer.parseInt(row.group(3));
        assertNotEquals(0, port, "the free port as chosen");
        assertEquals("hi\n", PublishedPort.read(port, Duration.ofSeconds(20), () -> false), "the shown port is published");

        assertEquals("web 127.0.0.1:" + port + "->80/tcp\n", cli.run("ps", "-a", "--format", "{{.Names}} {{.Ports}}").out);
        assertEquals(id + "\n", cli.run("ps", "-aq", "--filter", "name=^we", "--filter", "label=team=a").out);
        assertEquals("", cli.run("ps", "-aq", "--filter", "label=team=b").out);
        assertTrue(cli.run("ps", "-a", "--format", "json").out.contains("\"Names\":\"web\""));

        // nc ends after one connection; the exited container shows without -a under status=exited.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String exited = "";
        while (exited.isEmpty() && System.nanoTime() < deadline) {
            exited = cli.run("ps", "--filter", "status=exited", "--format", "{{.ID}} {{.Status}}").out;
            Thread.sleep(200);
        }
        assertTrue(exited.matches(id + " Exited \\(0\\) (\\d+ seconds?|Less than a second) ago\n"), exited);

        Cli.Result unknown = cli.run("ps", "--format", "{{.Nope}}");
        assertEquals(125, unknown.exitCode);
        assertTrue(unknown.err.startsWith("jnerd: --format: unknown field .Nope"), unknown.err);
        assertEquals(0, cli.run("rm", "web").exitCode);
    }

    @Test
    void imagesFormatAndFilter() {
        assertTrue(cli.run("images", "--format", "{{.Repository}}:{{.Tag}}").out.lines()
                .anyMatch(IMAGE::equals), "images as repository:tag");
        Cli.Result filtered = cli.run("images", "--filter", "reference=jnerd-test/busy*", "--format", "table {{.Repository}}\t{{.Size}}");
        assertTrue(filtered.out.matches("REPOSITORY +SIZE\njnerd-test/busybox +[0-9.]+[kM]?B\n"), filtered.toString());
        assertEquals("", cli.run("images", "-q", "--filter", "reference=nothing-like-it").out);
    }
}
