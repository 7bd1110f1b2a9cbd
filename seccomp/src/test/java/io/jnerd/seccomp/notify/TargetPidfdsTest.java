package io.jnerd.seccomp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("kernel")
class TargetPidfdsTest {

    /**
     * A thread that leads no thread group, as most of a JVM's or Go program's threads: with
     * PIDFD_THREAD (Linux 6.9) its own pidfd is kept; without (older kernels, forced here),
     * its group's pidfd is opened for each copy and closed at once.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void copiesANonLeaderThreadsFdAndKeepsOnlyExactPidfds(boolean threadPidfds) throws Exception {
        boolean before = TargetPidfds.threadPidfds;
        TargetPidfds.threadPidfds = threadPidfds;
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger tid = new AtomicInteger();
        Thread t = new Thread(() -> {
            tid.set(Processes.gettid());
            started.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        // Pidfds only: nothing else in this JVM makes them, and they are what is kept or leaked.
        long pidfdsBefore = OpenFds.count(OpenFds.PIDFD);
        try (Fd socket = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            started.await();
            try (TargetPidfds pidfds = new TargetPidfds()) {
                long firstReceive = System.nanoTime();
                for (int i = 0; i < 3; i++) {
                    long receive = i == 0 ? firstReceive : System.nanoTime();
                    TargetPidfds.Copy copy = pidfds.copyFd(tid.get(), socket.get(), receive);
                    try (Fd fd = copy.fd()) {
                        assertEquals(SockAddr.AF_INET, Sockets.getIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN));
                    }
                    // Only a pidfd kept from before the receive spares the check.
                    assertEquals(!threadPidfds || i == 0, copy.needsCheck(), "copy " + i);
                }
                TargetPidfds.Copy again = pidfds.copyFd(tid.get(), socket.get(), firstReceive);
                again.fd().close();
                assertEquals(true, again.needsCheck(), "a receive from before the pidfd's open is checked");
                assertEquals(pidfdsBefore + (threadPidfds ? 1 : 0), OpenFds.count(OpenFds.PIDFD),
                        "a kept pidfd only when it names the thread itself");
                SyscallException e = assertThrows(SyscallException.class, () -> pidfds.copyFd(tid.get(), 99999, System.nanoTime()));
                assertEquals(Errno.EBADF, e.errno());
            }
            assertEquals(pidfdsBefore, OpenFds.count(OpenFds.PIDFD), "close closed the kept pidfds");
        } finally {
            TargetPidfds.threadPidfds = before;
            done.countDown();
            t.join();
        }
    }

    @Test
    void aClosedCacheCopiesNothing() throws Exception {
        TargetPidfds pidfds = new TargetPidfds();
        pidfds.close();
        SyscallException e = assertThrows(SyscallException.class, () -> pidfds.copyFd(Processes.gettid(), 0, System.nanoTime()));
        assertEquals(Errno.ENOENT, e.errno());
    }
}
