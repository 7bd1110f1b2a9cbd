package io.jnerd.seccomp.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.FilteredThread;
import io.jnerd.seccomp.notify.OpenFds;
import io.jnerd.seccomp.notify.Session;
import io.jnerd.seccomp.notify.Supervisor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent socket with a runc-like client sending real seccomp listeners, and garbage. */
@Tag("kernel")
class SeccompAgentServerKernelTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsUserNotification() throws Exception {
        Assumptions.assumeTrue(Seccomp.actionAvailable(Seccomp.RET_USER_NOTIF),
                "kernel lacks SECCOMP_RET_USER_NOTIF (Linux >= 5.0)");
    }

    private static String runcState(String id, String fdsJson) {
        return "{\"ociVersion\":\"1.0.2\",\"fds\":" + fdsJson + ",\"pid\":4711,\"metadata\":\"m-" + id + "\","
                + "\"state\":{\"ociVersion\":\"1.0.2\",\"id\":\"" + id + "\",\"status\":\"creating\",\"pid\":4711,"
                + "\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"}}}";
    }

    /** Connects, sends {@code data} with {@code fds}, closes: what runc does. */
    private static void send(Path socket, byte[] data, List<Fd> fds) throws Exception {
        try (Fd c = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(c, SockAddr.unix(socket.toString()));
            int off = 0;
            try {
                while (off < data.length) {
                    byte[] chunk = Arrays.copyOfRange(data, off, Math.min(data.length, off + 65536));
                    off += ScmRights.send(c, chunk, off == 0 ? fds : List.of());
                }
            } catch (SyscallException e) {
                // The agent hangs up on an oversized message: EPIPE or ECONNRESET here.
                assertTrue(data.length > SeccompAgentServer.MAX_STATE_BYTES, e.getMessage());
            }
        }
    }

    /** One container: a filtered thread whose listener goes over the socket; its getppid is served. */
    private static void container(Path socket, String id, BlockingQueue<Session> sessions) throws Throwable {
        int ppid = Processes.getppid();
        AtomicInteger seen = new AtomicInteger();
        FilteredThread t = new FilteredThread(() -> seen.set(Processes.getppid()), "getppid");
        try (Fd listener = t.listener()) {
            send(socket, runcState(id, "[\"seccompFd\"]").getBytes(StandardCharsets.UTF_8), List.of(listener));
        }
        Session s = sessions.poll(10, TimeUnit.SECONDS);
        assertEquals(id, s.container().containerId());
        assertEquals("m-" + id, s.container().metadata());
        assertEquals(4711, s.container().pid());
        t.run();
        t.join();
        assertEquals(ppid, seen.get());
        assertTrue(s.awaitEnd(Duration.ofSeconds(10)));
    }

    @Test
    void servesListenersAndSurvivesGarbageWithoutLeaking() throws Throwable {
        Path socket = dir.resolve("agent.sock");
        BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
        long fdsBefore = OpenFds.count(OpenFds.SESSION.or(OpenFds.SOCKET));
        try (Supervisor sup = new Supervisor(ctx -> { });
                SeccompAgentServer server = SeccompAgentServer.start(socket,
                        (state, fd) -> sessions.add(sup.supervise(state, fd)))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            container(socket, "first", sessions);

            send(socket, new byte[0], List.of());
            byte[] junk = new byte[1 << 20];
            Arrays.fill(junk, (byte) 'x');
            System.arraycopy("{\"ociVersion\":\"".getBytes(StandardCharsets.UTF_8), 0, junk, 0, 15);
            send(socket, junk, List.of());
            send(socket, "{{{".getBytes(StandardCharsets.UTF_8), List.of());
            send(socket, "{\"ociVersion\": ".getBytes(StandardCharsets.UTF_8), List.of());
            try (Fd notAListener = EventFd.create(0, EventFd.EFD_CLOEXEC)) {
                send(socket, runcState("nofd", "[]").getBytes(StandardCharsets.UTF_8), List.of(notAListener));
                send(socket, runcState("missing", "[\"seccompFd\"]").getBytes(StandardCharsets.UTF_8), List.of());
                send(socket, runcState("eventfd", "[\"seccompFd\"]").getBytes(StandardCharsets.UTF_8),
                        List.of(notAListener));
            }
            try (Fd silent = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                Sockets.connect(silent, SockAddr.unix(socket.toString()));
                container(socket, "after-garbage", sessions);
            }
            // The server counts a connection after its consumer returned, so the session can
            // be seen here a moment before the count moves.
            awaitCount(2, server::served);
            awaitCount(8, server::rejected);
        }
        assertTrue(Files.notExists(socket), "socket removed on close");
        assertEquals(fdsBefore, OpenFds.count(OpenFds.SESSION.or(OpenFds.SOCKET)), OpenFds.describe());
    }

    private static void awaitCount(long expected, java.util.function.LongSupplier count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, count.getAsLong());
    }

    @Test
    void aStaleSocketIsReplacedAndAnythingElseIsLeftAlone() throws Exception {
        Path socket = dir.resolve("stale.sock");
        SeccompAgentServer.start(socket, (s, fd) -> fd.close()).close();
        try (Fd stale = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(stale, SockAddr.unix(socket.toString()));
        }
        SeccompAgentServer.start(socket, (s, fd) -> fd.close()).close();
        Path file = Files.writeString(dir.resolve("file"), "x");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> SeccompAgentServer.start(file, (s, fd) -> fd.close()));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        assertEquals("x", Files.readString(file));
    }
}
