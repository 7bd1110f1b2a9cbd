package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docker exec through jnerd daemon (in this JVM, over a real containerd) into a container
 * jnerd run -d started: streams, flags, exit codes as dockerd gives them.
 */
@Tag("privileged")
class DaemonExecTest extends DaemonWithBox {
    @Test
    void outputAndErrorsComeApartAndTheExitCodeIsTheCommands() throws Exception {
        DockerCli.Result r = docker.run(Map.of(), "exec", "box", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertEquals("out\n", r.out());
        assertEquals("err\n", r.err());
    }

    @Test
    void envUserAndWorkdirReachTheProcess() throws Exception {
        DockerCli.Result r = docker.run(Map.of(), "exec", "-e", "GREETING=hi there", "-u", "nobody", "-w", "/etc",
                "box", "sh", "-c", "echo \"$GREETING|$FOO|$(id -u)|$(pwd)\"");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hi there|bar|65534|/etc\n", r.out(), "the image's env (FOO) stays, -e adds");
    }

    @Test
    void stdinIsPassedOnAndItsEndEndsTheProcessWithoutLosingOutput() throws Exception {
        DockerCli.Result r = docker.runWithInput("one\ntwo\n".getBytes(StandardCharsets.UTF_8), Map.of(),
                "exec", "-i", "box", "sh", "-c", "cat; echo done");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("one\ntwo\ndone\n", r.out());
    }

    @Test
    void aTerminalIsAPtyThatCarriesBothStreams() throws Exception {
        DockerCli.Result r = docker.runInTerminal("exec", "-t", "box", "sh", "-c", "tty; echo err >&2; exit 4");
        assertEquals(4, r.exit(), r.toString());
        // The container's pty makes \n \r\n, and script's own pty (docker exec -t without -i
        // leaves the local terminal cooked) does it once more.
        assertTrue(r.out().matches("/dev/pts/\\d+\r+\nerr\r+\n"), r.out());
    }

    @Test
    void aMissingCommandIs127AndOneThatCannotRunIs126() throws Exception {
        DockerCli.Result missing = docker.run(Map.of(), "exec", "box", "no-such-command");
        assertEquals(127, missing.exit(), missing.toString());
        assertTrue((missing.out() + missing.err()).contains("no-such-command"), missing.toString());
        DockerCli.Result notExecutable = docker.run(Map.of(), "exec", "box", "/etc/passwd");
        assertEquals(126, notExecutable.exit(), notExecutable.toString());
        DockerCli.Result noUser = docker.run(Map.of(), "exec", "-u", "nosuchuser", "box", "true");
        assertEquals(126, noUser.exit(), noUser.toString());
        assertTrue((noUser.out() + noUser.err()).contains("unable to find user nosuchuser"), noUser.toString());
    }

    @Test
    void detachedRunsOnAndAnExecIntoAMissingOrStoppedContainerIsRefused() throws Exception {
        DockerCli.Result d = docker.run(Map.of(), "exec", "-d", "box", "sh", "-c", "echo later > /tmp/detached");
        assertEquals(0, d.exit(), d.toString());
        assertEquals("", d.out());
        DockerCli.Result read = docker.run(Map.of(), "exec", "box", "sh", "-c",
                "while [ ! -s /tmp/detached ]; do sleep 0.05; done; cat /tmp/detached");
        assertEquals("later\n", read.out(), read.toString());

        DockerCli.Result none = docker.run(Map.of(), "exec", "nobox", "true");
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("No such container: nobox"), none.err());
        Cli.Result exited = cli.run("run", "--name", "exited", "--net", "none", TestImages.NAME, "true");
        assertEquals(0, exited.exitCode, exited.toString());
        try {
            DockerCli.Result stopped = docker.run(Map.of(), "exec", "exited", "true");
            assertEquals(1, stopped.exit(), stopped.toString());
            assertTrue(stopped.err().contains("is not running"), stopped.err());
        } finally {
            assertEquals(0, cli.run("rm", "exited").exitCode);
        }
    }
}
