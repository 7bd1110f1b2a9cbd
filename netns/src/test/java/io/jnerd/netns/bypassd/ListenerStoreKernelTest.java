package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.EventFd;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both stores with real processes and sockets: the holder keeps a file across daemons (the
 * same file comes back, not a new one), orders two daemons, and ends when it holds nothing;
 * systemd's store sends the datagrams sd_notify(3) documents.
 */
@Tag("kernel")
class ListenerStoreKernelTest {

    @TempDir
    Path dir;

    @Test
    void theHolderHandsTheSameFileToTheNextDaemonAndEndsWhenItHoldsNothing() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        FdHolderStore first = FdHolderStore.in(dir);
        assertEquals(Map.of(), first.takeAll(), "no holder yet: nothing kept, none started");
        assertFalse(holderRuns());
        try (Fd event = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK)) {
            first.keep("L.web.x-1", event);
            EventFd.signal(event, 5);
        }
        assertTrue(holderRuns());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(FdHolderStore.SOCKET_NAME))));

        // The next daemon waits until the first has hung up.
        FdHolderStore second = FdHolderStore.in(dir);
        CompletableFuture<Map<String, Fd>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return second.takeAll();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(taken.isDone(), "served while the first daemon is connected");
        first.close();
        Map<String, Fd> kept = taken.get(20, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of("L.web.x-1"), kept.keySet());
        try (Fd back = kept.get("L.web.x-1")) {
            assertEquals(5, EventFd.drain(back), "the file the first daemon kept");
        }
        second.forget("L.web.x-1");
        second.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (holderRuns()) {
            assertTrue(System.nanoTime() < deadline, "the holder ends once it holds nothing and nobody is connected");
            Thread.sleep(20);
        }
    }

    @Test
    void systemdsStoreGetsFdstoreWithTheFdAndFdstoreremove() throws Exception {
        Path notify = dir.resolve("notify");
        try (Fd manager = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd event = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK)) {
            Sockets.bind(manager, SockAddr.unix(notify.toString()));
            assertNull(SystemdFdStore.of(Map.of("NOTIFY_SOCKET", notify.toString(), "SYSTEMD_EXEC_PID", "1")),
                    "NOTIFY_SOCKET inherited from a service whose main process is another");
            SystemdFdStore store = SystemdFdStore.of(Map.of("NOTIFY_SOCKET", notify.toString()));
            store.keep("L.web.x-1", event);
            EventFd.signal(event, 7);
            try (ScmRights.Received r = ScmRights.receive(manager, 512, 1)) {
                assertEquals("FDSTORE=1\nFDNAME=L.web.x-1\n", new String(r.data(), StandardCharsets.UTF_8));
                assertEquals(1, r.fds().size());
                assertEquals(7, EventFd.drain(r.fds().get(0)));
            }
            store.forget("L.web.x-1");
            try (ScmRights.Received r = ScmRights.receive(manager, 512, 1)) {
                assertEquals("FDSTOREREMOVE=1\nFDNAME=L.web.x-1\n", new String(r.data(), StandardCharsets.UTF_8));
                assertEquals(0, r.fds().size());
            }
        }
    }

    private boolean holderRuns() {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.anyMatch(p -> p.info().commandLine().orElse("").contains(FdHolder.class.getName())
                    && p.info().commandLine().orElse("").contains(dir.toString()));
        }
    }
}
