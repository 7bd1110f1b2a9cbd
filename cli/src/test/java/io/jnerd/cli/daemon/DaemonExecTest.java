package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.http.ServerFds;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    @Test
    void aClientThatHangsUpMidExecGetsItsProcessKilledAndHoldsNoWorker() throws Exception {
        String created = exchange(post("/containers/box/exec", "{\"Cmd\":[\"sleep\",\"300\"],\"AttachStdout\":true}",
                "Connection: close"));
        assertTrue(created.startsWith("HTTP/1.1 201"), created);
        String id = created.replaceAll("(?s).*\"Id\":\"([0-9a-f]{64})\".*", "$1");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
            ch.write(ByteBuffer.wrap(post("/exec/" + id + "/start", "{\"Detach\":false}",
                    "Upgrade: tcp\r\nConnection: Upgrade").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer head = ByteBuffer.allocate(4096);
            while (!new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII).contains("\r\n\r\n")
                    && ch.read(head) >= 0) {
                // until the whole head is in: the exec runs now
            }
            String h = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
            assertTrue(h.startsWith("HTTP/1.1 101 UPGRADED\r\n") && h.contains("Upgrade: tcp\r\n")
                    && h.contains("Content-Type: application/vnd.docker.multiplexed-stream\r\n"), h);
            // The head goes out first, then the process starts.
            assertTrue(awaitInspect(id, "\"Running\":true").contains("\"Pid\":"), "sleeping while the client is there");
        }
        String state = awaitInspect(id, "\"Running\":false");
        assertTrue(state.contains("\"ExitCode\":137"), "SIGKILLed once its client left: " + state);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ServerFds.busyWorkers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, ServerFds.busyWorkers(), "no worker still serves the exec");
    }

    @Test
    void aContainerDockerRunStartedTakesExecAndCp() throws Exception {
        DockerCli.Result run = docker.run(Map.of(), "run", "-d", "--name", "viadocker", "--network", "none",
                TestImages.NAME, "sleep", "300");
        assertEquals(0, run.exit(), run.toString());
        try {
            Path note = Files.writeString(tmp.resolve("note.txt"), "from the host\n");
            DockerCli.Result cp = docker.run(Map.of(), "cp", note.toString(), "viadocker:/tmp/");
            assertEquals(0, cp.exit(), cp.toString());
            DockerCli.Result r = docker.run(Map.of(), "exec", "viadocker", "cat", "/tmp/note.txt");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("from the host\n", r.out());
        } finally {
            assertEquals(0, docker.run(Map.of(), "rm", "-f", "viadocker").exit());
        }
    }

    @Test
    void resizeReachesTheExecsTerminalAndASecondStartIsAConflict() throws Exception {
        String created = exchange(post("/containers/box/exec", "{\"Cmd\":[\"sh\",\"-c\",\"read x; stty size\"],"
                + "\"Tty\":true,\"AttachStdin\":true,\"AttachStdout\":true}", "Connection: close"));
        assertTrue(created.startsWith("HTTP/1.1 201"), created);
        String id = created.replaceAll("(?s).*\"Id\":\"([0-9a-f]{64})\".*", "$1");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
            ch.write(ByteBuffer.wrap(post("/exec/" + id + "/start", "{\"Tty\":true}",
                    "Upgrade: tcp\r\nConnection: Upgrade").getBytes(StandardCharsets.US_ASCII)));
            awaitInspect(id, "\"Running\":true");
            assertTrue(exchange(post("/exec/" + id + "/resize?h=40&w=100", "", "Connection: close"))
                    .startsWith("HTTP/1.1 200"));
            assertTrue(exchange(post("/exec/" + id + "/start", "{}", "Connection: close"))
                    .startsWith("HTTP/1.1 409"), "one start per instance");
            ch.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.US_ASCII)));
            String out = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(out.contains("40 100"), "the raw TTY stream carries stty's answer: " + out);
        }
        assertTrue(awaitInspect(id, "\"Running\":false").contains("\"ExitCode\":0"));
        assertTrue(exchange(inspect("f".repeat(64))).startsWith("HTTP/1.1 404"));
    }

    private static String post(String path, String json, String headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: d\r\n" + headers + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.length() + "\r\n\r\n" + json;
    }

    /** The exec's inspect once it contains {@code text} (at most 20 s). */
    private static String awaitInspect(String id, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String state;
        while (!(state = exchange(inspect(id))).contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return state;
    }

    private static String inspect(String id) {
        return "GET /exec/" + id + "/json HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n";
    }

    /** One request on a connection of its own; the whole answer. */
    private static String exchange(String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
