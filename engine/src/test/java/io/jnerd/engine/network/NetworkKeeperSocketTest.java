package io.jnerd.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident keeper's socket as a same-user client that sends garbage sees it: one error
 * line per bad request, nothing held, the keeper still serving; and once the last connection
 * ends it removes its socket and returns, leaving no descriptor open.
 */
class NetworkKeeperSocketTest {
    private static final String ID = "a".repeat(64);

    @TempDir
    Path stateRoot;

    @Test
    void garbageGetsOneErrorLineAndTheKeeperLeavesWhenNothingIsHeld() throws Exception {
        warmUpUnixSockets();
        long fdsBefore = openFds();
        KeeperSocket socket = new KeeperSocket(stateRoot.resolve("containerd.sock"), stateRoot);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        NetworkKeeper keeper = new NetworkKeeper(stateRoot.resolve("containerd.sock"), stateRoot, new NoTasks(),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> {
            try {
                return keeper.serve();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // The first client holds the keeper until the others are done (it leaves when nothing is busy).
        KeeperChannel first = awaitConnection(socket);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.socket())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.dir())));

        assertEquals("error unknown request (expected keep or stop)", ask(socket, "hello"));
        assertTrue(ask(socket, "keep {not json").startsWith("error the keep request is not valid JSON"));
        assertEquals("error the keep request is not a JSON object", ask(socket, "keep [1]"));
        assertEquals("error the keep request's id is not a container ID", ask(socket, "keep {\"id\":\"../../etc\"}"));
        assertEquals("error the keep request's stateDir is not an absolute, normal path", ask(socket,
                "keep {\"namespace\":\"n\",\"id\":\"" + ID + "\",\"name\":\"x\",\"hostname\":\"h\",\"stateDir\":\"/a/../b\","
                        + "\"networkDir\":\"/n\",\"flags\":[],\"ports\":[]}"));
        assertEquals("ok", ask(socket, "stop n " + ID), "stop of a container it does not hold is harmless");
        try (KeeperChannel flood = socket.connectIfRunning().orElseThrow()) {
            String answer;
            try {
                flood.writeLine("x".repeat(KeeperChannel.MAX_LINE + 10));
                answer = flood.readLine(Duration.ofSeconds(30));
            } catch (java.net.SocketException reset) {
                // Closed with our bytes unread: the kernel resets the connection.
                answer = null;
            }
            assertNull(answer, "an overlong line closes the connection");
        }
        assertFalse(served.isDone(), "still serving after the garbage");

        first.close();
        assertEquals(0, served.get(60, TimeUnit.SECONDS), "it leaves once nothing is busy");
        assertFalse(Files.exists(socket.socket()), "its socket goes with it");
        assertEquals(fdsBefore, openFds(), "no descriptor left open:\n" + log + fdList());
    }

    private static String ask(KeeperSocket socket, String line) throws IOException {
        try (KeeperChannel c = socket.connectIfRunning().orElseThrow()) {
            c.writeLine(line);
            return c.readLine(Duration.ofSeconds(30));
        }
    }

    private static KeeperChannel awaitConnection(KeeperSocket socket) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Optional<KeeperChannel> c = Files.exists(socket.socket()) ? socket.connectIfRunning() : Optional.empty();
            if (c.isPresent() || System.nanoTime() > deadline) {
                return c.orElseThrow();
            }
            Thread.sleep(10);
        }
    }

    /** The JDK keeps one socket of its own once unix sockets were closed (its pre-close dup target): made before counting. */
    private void warmUpUnixSockets() throws IOException {
        Path p = stateRoot.resolve("warm-up.sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(p));
            try (var client = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(p));
                 var accepted = server.accept()) {
                accepted.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            }
        }
        Files.delete(p);
    }

    private static String fdList() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                try {
                    b.append(p.getFileName()).append(" -> ").append(Files.readSymbolicLink(p)).append('\n');
                } catch (IOException gone) {
                    // the listing's own
                }
            }
        }
        return b.toString();
    }

    /** Descriptors other than the class path's jars (which the class loader opens as classes are first used). */
    private static long openFds() throws IOException {
        return fdList().lines().filter(l -> !l.endsWith(".jar")).count();
    }

    /** No request in this test reaches containerd. */
    private static final class NoTasks implements KeptTasks {
        @Override
        public Optional<Duration> exited(KeeperRequest request, boolean stoppedByUser) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long create(KeeperRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(KeeperRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalLong runningInit(KeeperRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stopBecause(KeeperRequest request, String reason) {
            throw new UnsupportedOperationException();
        }
    }
}
