package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.nativebindings.ThreadCredentials;
import io.jnerd.proto.testing.ContainerdFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnerd cli-server} with the real launcher, jnerd-client and a real containerd: what
 * it serves gets the client's stdio, exit code and signals; what it declines goes back to
 * the launcher; another user's connection is closed unread; JNERD_WARM=auto starts one. Runs after packaging (surefire
 * execution "end-to-end" in cli/pom.xml).
 */
@Tag("privileged")
class CliServerEndToEndTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    private static Path repo() {
        return Path.of(System.getProperty("user.dir")).getParent();
    }

    private Process start(Map<String, String> env, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(tmp.resolve("stderr").toFile());
        return pb.start();
    }

    /** exit code, stdout, stderr of {@code cmd} given {@code stdin}. */
    private String[] run(Map<String, String> env, String stdin, List<String> cmd) throws Exception {
        Process p = start(env, cmd);
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " finished");
        return new String[] {Integer.toString(p.exitValue()), out, Files.readString(tmp.resolve("stderr"))};
    }

    /** jnerd-client with a fallback that is not jnerd: only the server can give the command's own results. */
    private static List<String> client(Path socket, String fallback, String... args) {
        List<String> cmd = new ArrayList<>(List.of(repo().resolve("cli/target/jnerd-client").toString(),
                socket.toString(), fallback));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void servesItsOwnUsersShortCommandsAndNoOneElses() throws Exception {
        Path launcher = repo().resolve("bin/jnerd");
        assumeTrue(Files.isExecutable(launcher), "needs bin/jnerd at " + launcher);
        try (ContainerdFixture containerd = ContainerdFixture.start()) {
            Map<String, String> env = new java.util.HashMap<>(containerd.env(tmp.resolve("state")));
            env.put("JNERD_WARM", "off");
            Path archive = TestImages.busyboxArchive(tmp);
            assertEquals("0", run(env, "", List.of(launcher.toString(), "load", "-q", "-i", archive.toString()))[0]);
            // The launcher built jnerd-client on the way when it could.
            assumeTrue(Files.isExecutable(repo().resolve("cli/target/jnerd-client")),
                    "needs a C compiler for jnerd-client (apt-get install gcc libc6-dev)");

            Path socket = tmp.resolve("state/cli.sock");
            ProcessBuilder serverCommand = new ProcessBuilder(launcher.toString(), "cli-server");
            serverCommand.environment().putAll(env);
            Process server = serverCommand.redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile()).start();
            try {
                awaitSocket(socket, server);
                env.remove("JNERD_WARM");

                String[] served = run(env, "hi\n", client(socket, "/bin/false",
                        "run", "--rm", "-i", "--net=none", TestImages.NAME, "sh", "-c", "cat; echo oops >&2; exit 7"));
                assertEquals(List.of("7", "hi\n", "oops\n"), List.of(served), "the container's exit code and stdio");

                Path fallback = tmp.resolve("fallback");
                Files.writeString(fallback, "#!/bin/sh\necho \"JNERD_WARM=$JNERD_WARM $*\"\n");
                fallback.toFile().setExecutable(true);
                String[] declined = run(env, "", client(socket, fallback.toString(), "run", "--rm", "-t", "x", "sh"));
                assertEquals("JNERD_WARM=off run --rm -t x sh\n", declined[1], "-t is the launcher's, with JNERD_WARM=off");

                // A signal to the client reaches the container, as a signal to jnerd's own JVM would.
                Process p = start(env, client(socket, "/bin/false", "run", "--rm", "--net=none", TestImages.NAME,
                        "sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo ready; sleep 30 & wait"));
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("ready", out.readLine());
                p.toHandle().destroy(); // Process.destroy would close our end of its stdout too
                assertEquals("got TERM", out.readLine());
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                assertEquals(42, p.exitValue());

                assertClosedUnread(socket);
                assertEquals("0", run(env, "", client(socket, "/bin/false", "ps", "-a", "-q"))[0],
                        "still serving its own user");
            } finally {
                server.destroy();
                assertTrue(server.waitFor(30, TimeUnit.SECONDS), "cli-server ends on SIGTERM");
            }
            assertFalse(Files.exists(socket), "the socket goes with the server");

            // JNERD_WARM=auto: the command runs in its own JVM and leaves a server for the next.
            env.put("JNERD_WARM", "auto");
            assertEquals("0", run(env, "", List.of(launcher.toString(), "ps", "-q"))[0]);
            awaitSocket(socket, null);
            ProcessHandle started = ProcessHandle.of(serverPid(socket)).orElseThrow();
            started.destroy();
            started.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(Files.exists(socket), "the socket goes with the server");
            Leftovers.assertNone(containerd);
        }
    }

    private void awaitSocket(Path socket, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(socket)) {
            assertTrue((server == null || server.isAlive()) && System.nanoTime() < deadline, "cli-server listens: "
                    + (server == null ? "" : Files.readString(tmp.resolve("server.log"))));
            Thread.sleep(50);
        }
    }

    /** The listening process, from SO_PEERCRED (struct ucred: pid first). */
    private static long serverPid(Path socket) throws IOException {
        try (Fd s = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(s, SockAddr.unix(socket.toString()));
            return ByteBuffer.wrap(Sockets.getOption(s, Sockets.SOL_SOCKET, Sockets.SO_PEERCRED, 12))
                    .order(java.nio.ByteOrder.nativeOrder()).getInt(0);
        }
    }

    /**
     * Another uid reaching the socket (0600, made reachable here as a careless chmod would)
     * is closed before its request is read: nothing runs, nothing is written to its fds.
     * SO_PEERCRED gives the connecting thread's effective uid, so a thread of this root
     * process with euid nobody is that other user.
     */
    private static void assertClosedUnread(Path socket) throws Exception {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        for (Path dir = socket.getParent(); dir.startsWith(socket.getParent().getParent()); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Fd[] stdout = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        try {
            CompletableFuture<Integer> reply = new CompletableFuture<>();
            Thread other = new Thread(() -> {
                try {
                    ThreadCredentials.setresuid(ThreadCredentials.KEEP, NOBODY, ThreadCredentials.KEEP);
                    try (Fd s = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                        Sockets.connect(s, SockAddr.unix(socket.toString()));
                        byte[] body = "jnerd-warm-1\0001\0version\0".getBytes(StandardCharsets.UTF_8);
                        byte[] request = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
                        try {
                            ScmRights.send(s, request, List.of(stdout[1], stdout[1], stdout[1]));
                            reply.complete(Sockets.read(s, new byte[16], 0, 16));
                        } catch (SyscallException e) {
                            // Closed before our request went (EPIPE), or with it unread in its buffer (a reset).
                            boolean closed = e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET;
                            reply.complete(closed ? 0 : -e.errno());
                        }
                    } finally {
                        ThreadCredentials.setresuid(ThreadCredentials.KEEP, 0, ThreadCredentials.KEEP);
                    }
                } catch (Throwable e) {
                    reply.completeExceptionally(e);
                }
            });
            other.start();
            assertEquals(0, reply.get(30, TimeUnit.SECONDS), "closed (or reset) without a reply");
            stdout[1].close();
            assertEquals(0, Sockets.read(stdout[0], new byte[64], 0, 64), "nothing written to the other user's stdout");
        } finally {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            stdout[0].close();
            stdout[1].close();
        }
    }
}
