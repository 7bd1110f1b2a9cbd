package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class PidfdKernelTest {

    private static final int SIGKILL = 9;

    @Test
    void getFdReadsTheSameFileAsTheChildAndSignalKillsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("content");
        Files.writeString(file, "bytes the child holds");
        // sleep never reads its stdin: fd 0 of the child is this file, at offset 0.
        Process child = new ProcessBuilder("sleep", "60").redirectInput(file.toFile()).start();
        try (Pidfd pidfd = Pidfd.open(child.pid())) {
            assertEquals(file.toRealPath(), Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "fd", "0")));
            try (Fd copy = pidfd.getFd(0)) {
                byte[] buf = new byte[64];
                int n = Sockets.read(copy, buf, 0, buf.length);
                assertEquals("bytes the child holds", new String(buf, 0, n, StandardCharsets.UTF_8));
                assertEquals(OpenFlags.FD_CLOEXEC, Sockets.fdFlags(copy) & OpenFlags.FD_CLOEXEC);
            }
            SyscallException e = assertThrows(SyscallException.class, () -> pidfd.getFd(999));
            assertEquals(Errno.EBADF, e.errno());
            assertTrue(e.getMessage().contains("pid " + child.pid() + " fd 999"), e.getMessage());

            pidfd.sendSignal(SIGKILL);
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(128 + SIGKILL, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aThreadPidfdNamesANonLeaderThreadUntilItEnds() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelVersion.atLeast(6, 9),
                "PIDFD_THREAD needs Linux >= 6.9, this is " + KernelVersion.current());
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger tid = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
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
        started.await();
        try (Pidfd pidfd = Pidfd.open(tid.get(), Pidfd.PIDFD_THREAD)) {
            try (Fd copy = pidfd.getFd(0)) {
                assertTrue(copy.get() >= 0);
            }
            done.countDown();
            t.join();
            // join returns when the Java thread is done; the kernel thread exits a moment
            // later, and its pidfd then polls readable.
            assertEquals(1, Poll.poll(new Fd[] {pidfd.fd()}, new int[] {Poll.POLLIN}, new int[1], 10_000));
            SyscallException e = assertThrows(SyscallException.class, () -> pidfd.getFd(0));
            assertEquals(Errno.ESRCH, e.errno(), "the thread is gone");
        } finally {
            done.countDown();
        }
    }
}
