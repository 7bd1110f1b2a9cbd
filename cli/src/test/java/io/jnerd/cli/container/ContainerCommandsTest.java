package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.LoadedContainerd;
import io.jnerd.cli.testing.PublishedPort;
import io.jnerd.cli.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The docker-shaped listing and container commands against a real containerd + runc. */
@Tag("privileged")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ContainerCommandsTest extends LoadedContainerd {
    static final String IMAGE = TestImages.NAME;

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
        assertEquals("80/tcp -> 127.0.0.1:" + port + "\n", cli.run("port", "web").out);
        assertEquals("127.0.0.1:" + port + "\n", cli.run("port", id, "80/tcp").out);
        Cli.Result none = cli.run("port", "web", "81/udp");
        assertEquals(1, none.exitCode);
        assertEquals("jnerd: no public port '81/udp' published for web\n", none.err);
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

    @Test
    void execRunsInTheContainerWithItsEnvAndFlags() throws Exception {
        Cli.Result d = cli.run("run", "-d", "--name", "box", "--net=none", "-e", "FROM_RUN=1", IMAGE, "sleep", "60");
        assertEquals(0, d.exitCode, d.toString());

        Cli.Result e = cli.run("exec", "-e", "X=2", "-w", "/home", "-u", "app", "box",
                "sh", "-c", "echo $FROM_RUN $X $(pwd) $(id -u); echo err >&2; exit 7");
        assertEquals(7, e.exitCode, e.toString());
        assertEquals("1 2 /home 1000\n", e.out);
        assertEquals("err\n", e.err);
        assertEquals("from stdin\n", cli.runWithInput("from stdin\n", "exec", "-i", "box", "cat").out);
        Cli.Result bounded = cli.run("exec", "box", "sh", "-c",
                "grep -E '^(CapBnd|NoNewPrivs|Seccomp):' /proc/1/status; grep -E '^(CapBnd|NoNewPrivs|Seccomp):' /proc/self/status");
        List<String> lines = bounded.out.lines().toList();
        assertEquals(6, lines.size(), bounded.toString());
        assertEquals(lines.subList(0, 3), lines.subList(3, 6), "an exec can do no more than the container's init");

        assertEquals(127, cli.run("exec", "box", "no-such-binary").exitCode);
        Cli.Result detached = cli.run("exec", "-d", "box", "sh", "-c", "echo later > /tmp/detached");
        assertEquals(0, detached.exitCode, detached.toString());
        assertEquals("", detached.out);
        String got = "";
        for (int i = 0; i < 50 && !got.equals("later\n"); i++) {
            got = cli.run("exec", "box", "cat", "/tmp/detached").out;
            Thread.sleep(100);
        }
        assertEquals("later\n", got);
        assertEquals(0, cli.run("rm", "-f", "box").exitCode);
        Cli.Result gone = cli.run("exec", "box", "true");
        assertEquals(125, gone.exitCode);
        assertEquals("jnerd: no such container: box\n", gone.err);
    }

    @Test
    void killSignalsAndWaitPrintsTheExitCode() {
        Cli.Result d = cli.run("run", "-d", "--name", "trapper", "--net=none", IMAGE, "sh", "-c",
                "trap 'exit 3' TERM; while true; do sleep 1; done");
        assertEquals(0, d.exitCode, d.toString());
        Cli.Result bad = cli.run("kill", "-s", "NOPE", "trapper");
        assertEquals(125, bad.exitCode);
        assertEquals("jnerd: invalid signal: NOPE\n", bad.err);

        Cli.Result term = cli.run("kill", "-s", "SIGTERM", "trapper");
        assertEquals(0, term.exitCode, term.toString());
        assertEquals("trapper\n", term.out);
        Cli.Result waited = cli.run("wait", "trapper");
        assertEquals(0, waited.exitCode, waited.toString());
        assertEquals("3\n", waited.out);
        assertEquals("3\n", cli.run("wait", "trapper").out, "a stopped container answers at once");
        Cli.Result again = cli.run("kill", "trapper");
        assertEquals(1, again.exitCode);
        assertTrue(again.err.contains("is not running"), again.err);

        assertEquals(0, cli.run("run", "-d", "--name", "sleeper", "--net=none", IMAGE, "sleep", "60").exitCode);
        assertEquals(0, cli.run("kill", "sleeper").exitCode);
        assertEquals("137\n", cli.run("wait", "sleeper").out, "SIGKILL by default");
        Cli.Result waitMissing = cli.run("wait", "sleeper", "nobody");
        assertEquals(1, waitMissing.exitCode);
        assertEquals("137\n", waitMissing.out);
        assertEquals("jnerd: no such container: nobody\n", waitMissing.err);
        assertEquals(0, cli.run("rm", "trapper", "sleeper").exitCode);
    }

    @Test
    void tagNamesTheSameImage() {
        assertEquals(0, cli.run("tag", IMAGE, "jnerd-test/tagged:v1").exitCode);
        String ids = cli.run("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out;
        String source = ids.lines().filter(l -> l.startsWith(IMAGE + " ")).findFirst().orElseThrow().split(" ")[1];
        assertTrue(ids.contains("jnerd-test/tagged:v1 " + source + "\n"), ids);
        Cli.Result missing = cli.run("tag", "jnerd-test/nothing:1", "x:1");
        assertEquals(1, missing.exitCode);
        assertEquals("jnerd: no such image: jnerd-test/nothing:1\n", missing.err);
        assertEquals(0, cli.run("rmi", "jnerd-test/tagged:v1").exitCode);
        assertTrue(cli.run("images", "-q", "--filter", "reference=" + IMAGE).out.contains(source), "the source stays");
    }

    @Test
    void startAndRestartAnExitedContainer() throws Exception {
        Cli.Result first = cli.run("run", "--name", "again", "--net=none", IMAGE, "sh", "-c", "echo run $$; exit 4");
        assertEquals(4, first.exitCode, first.toString());
        Cli.Result attached = cli.run("start", "-a", "again");
        assertEquals(4, attached.exitCode, attached.toString());
        assertEquals("run 1\n", attached.out);

        assertEquals("again\n", cli.run("start", "again").out);
        assertEquals("4\n", cli.run("wait", "again").out);
        assertTrue(cli.run("logs", "again").out.contains("run 1\n"), "a background start logs as run -d");

        assertEquals(0, cli.run("run", "-d", "--name", "looping", "--net=none", IMAGE, "sh", "-c",
                "trap 'exit 5' TERM; echo up; while true; do sleep 1; done").exitCode);
        assertEquals("looping\n", cli.run("restart", "-t", "5", "looping").out);
        assertTrue(cli.run("ps", "--filter", "name=looping", "--format", "{{.Status}}").out.startsWith("Up "),
                "running again");
        assertEquals(0, cli.run("kill", "looping").exitCode);
        assertEquals("137\n", cli.run("wait", "looping").out);

        Cli.Result networked = cli.run("run", "--name", "netted", "--net=slirp4netns", IMAGE, "true");
        assertEquals(0, networked.exitCode, networked.toString());
        Cli.Result started = cli.run("start", "netted");
        assertEquals(0, started.exitCode, started.toString());
        assertEquals("0\n", cli.run("wait", "netted").out, "started again with its network held by the keeper");
        Cli.Result attachedNetted = cli.run("start", "-a", "netted");
        assertEquals(0, attachedNetted.exitCode, "started at once after its exit, attached, network held by the keeper: "
                + attachedNetted);
        assertEquals(0, cli.run("rm", "again", "looping", "netted").exitCode);
    }

    @Test
    void pruneRemovesStoppedContainersAndUnusedImages() {
        Cli.Result stopped = cli.run("run", "--name", "pruned", "--net=none", IMAGE, "true");
        assertEquals(0, stopped.exitCode, stopped.toString());
        String prunedId = cli.run("ps", "-aq", "--no-trunc", "--filter", "name=pruned").out.trim();
        assertEquals(0, cli.run("run", "-d", "--name", "alive", "--net=none", IMAGE, "sleep", "60").exitCode);

        Cli.Result declined = cli.runWithInput("n\n", "container", "prune");
        assertEquals(0, declined.exitCode, declined.toString());
        assertTrue(declined.out.startsWith("WARNING! This will remove all stopped containers.\n"), declined.out);
        assertTrue(cli.run("ps", "-a").out.contains("pruned"), "kept when the answer is no");

        Cli.Result pruned = cli.run("container", "prune", "-f");
        assertEquals("Deleted Containers:\n" + prunedId + "\n\nTotal reclaimed space: 0B\n", pruned.out, pruned.toString());
        assertEquals("alive\n", cli.run("ps", "-a", "--format", "{{.Names}}").out);

        assertEquals(0, cli.run("tag", IMAGE, "jnerd-test/unused:1").exitCode);
        assertEquals("Total reclaimed space: 0B\n", cli.run("image", "prune", "-f").out, "nothing is dangling");
        Cli.Result images = cli.run("image", "prune", "-a", "-f");
        assertEquals("Deleted Images:\nuntagged: jnerd-test/unused:1\n\nTotal reclaimed space: 0B\n", images.out,
                images.toString());
        assertTrue(cli.run("images", "--format", "{{.Repository}}:{{.Tag}}").out.contains(IMAGE), "in use by alive");
        assertEquals(0, cli.run("rm", "-f", "alive").exitCode);
    }

    @Test
    void inspectFormatAndJnerdsOwnLabels() {
        Cli.Result exited = cli.run("run", "--name", "insp", "--net=none", IMAGE, "sh", "-c", "exit 2");
        assertEquals(2, exited.exitCode, exited.toString());
        assertEquals("exited 2 insp\n", cli.run("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Name}}", "insp").out);
        assertTrue(cli.run("inspect", "--format", "{{json .State}}", "insp").out.contains("\"Running\":false"));
        Cli.Result unknown = cli.run("inspect", "-f", "{{.Nope.X}}", "insp");
        assertEquals(125, unknown.exitCode);
        assertEquals("jnerd: --format: unknown field .Nope.X\n", unknown.err);
        assertEquals(0, cli.run("rm", "insp").exitCode);

        Cli.Result forged = cli.run("run", "--rm", "-l", "io.jnerd/exit-code=x", "--net=none", IMAGE, "true");
        assertEquals(125, forged.exitCode);
        assertEquals("jnerd: label io.jnerd/exit-code: the io.jnerd/ prefix is jnerd's own\n", forged.err);
    }
}
