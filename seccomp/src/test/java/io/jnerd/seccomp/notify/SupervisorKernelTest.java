package io.jnerd.seccomp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Processes;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.seccomp.ContainerState;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/** The supervisor against real seccomp listeners, filters installed on a thread of this JVM. */
@Tag("kernel")
class SupervisorKernelTest {

    private static final ContainerState CONTAINER = new ContainerState("1.0.2", List.of("seccompFd"), 1, "meta",
            new ContainerState.State("1.0.2", "kernel-test", "creating", 1, "/b", null));

    @BeforeAll
    static void needsUserNotification() throws Exception {
        Assumptions.assumeTrue(Seccomp.actionAvailable(Seccomp.RET_USER_NOTIF),
                "kernel lacks SECCOMP_RET_USER_NOTIF (Linux >= 5.0)");
    }

    /** Runs {@code workload} under a filter notifying {@code syscall}, served by {@code handler}. */
    private static SupervisorStats serve(NotificationHandler handler, Runnable workload, String syscall)
            throws Throwable {
        return serveAll(handler, workload, syscall);
    }

    private static SupervisorStats serveAll(NotificationHandler handler, Runnable workload, String... syscalls)
            throws Throwable {
        long fdsBefore = OpenFds.count(OpenFds.SESSION);
        FilteredThread t = new FilteredThread(workload, syscalls);
        try (Supervisor sup = new Supervisor(handler)) {
            Session s = sup.supervise(CONTAINER, t.listener());
            t.run();
            t.join();
            assertTrue(s.awaitEnd(Duration.ofSeconds(10)), "the session ends when its last task is gone");
            assertEquals(0, sup.sessions().size());
            assertEquals(fdsBefore, OpenFds.count(OpenFds.SESSION), OpenFds.describe());
            return sup.stats();
        }
    }

    @Test
    void answersContinueByDefaultAndCountsEveryCall() throws Throwable {
        int ppid = Processes.getppid();
        AtomicInteger wrong = new AtomicInteger();
        SupervisorStats stats = serve(ctx -> { }, () -> {
            for (int i = 0; i < 100; i++) {
                if (Processes.getppid() != ppid) {
                    wrong.incrementAndGet();
                }
            }
        }, "getppid");
        assertEquals(0, wrong.get(), "CONTINUE ran the real getppid");
        assertEquals(100L, stats.bySyscall().get("getppid"));
        assertEquals(100, stats.continued());
        assertTrue(stats.p50Nanos() > 0 && stats.p99Nanos() >= stats.p50Nanos(), stats.toString());
    }

    @Test
    void answersValuesAndErrnos() throws Throwable {
        AtomicInteger n = new AtomicInteger();
        AtomicReference<int[]> seen = new AtomicReference<>();
        serve(ctx -> {
            if (n.getAndIncrement() == 0) {
                ctx.respondValue(4242);
            } else {
                ctx.respondError(Errno.ESRCH);
            }
        }, () -> seen.set(new int[] {Processes.getppid(), Processes.getppid()}), "getppid");
        assertEquals(4242, seen.get()[0]);
        assertEquals(-Errno.ESRCH, seen.get()[1], "the raw syscall result is -errno");
    }

    @Test
    void aFailingHandlerFailsClosedWithEioAndTheLoopGoesOn() throws Throwable {
        AtomicReference<int[]> seen = new AtomicReference<>();
        SupervisorStats stats = serve(ctx -> {
            throw new IllegalStateException("handler bug");
        }, () -> seen.set(new int[] {Processes.getppid(), Processes.getppid()}), "getppid");
        assertEquals(-Errno.EIO, seen.get()[0], "a handler failure never lets the call run natively");
        assertEquals(-Errno.EIO, seen.get()[1]);
        assertEquals(2, stats.handlerFailures());
        assertEquals(0, stats.continued());
        assertEquals(2, stats.answered());
    }

    @Test
    void aFailingHandlerOnAConnectDoesNotConnect() throws Throwable {
        try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1);
            AtomicInteger result = new AtomicInteger();
            SupervisorStats stats = serve(ctx -> {
                throw new java.io.IOException("agent failed half-way");
            }, () -> result.set(connectTo(listener.getLocalPort())), "connect");
            assertEquals(Errno.EIO, result.get());
            assertEquals(1, stats.handlerFailures());
            assertEquals(0, stats.continued());
            assertNothingAccepted(listener);
        }
    }

    /**
     * A handler that declared connect never-CONTINUE and CONTINUEs it anyway, once
     * explicitly and once by returning without an answer: both connects fail with EPERM
     * and reach nothing; getppid, not declared, still runs.
     */
    @Test
    void aContinueOfADeclaredNeverContinueCallBecomesEperm() throws Throwable {
        int ppid = Processes.getppid();
        try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1);
            AtomicInteger n = new AtomicInteger();
            int[] results = new int[3];
            NotificationHandler careless = new NotificationHandler() {
                @Override
                public void handle(NotificationContext ctx) throws Exception {
                    if (n.getAndIncrement() == 0 || ctx.syscallName().equals("getppid")) {
                        ctx.respondContinue();
                    }
                }

                @Override
                public Set<String> neverContinue() {
                    return Set.of("connect", "sendmsg");
                }
            };
            SupervisorStats stats = serveAll(careless, () -> {
                results[0] = connectTo(listener.getLocalPort());
                results[1] = connectTo(listener.getLocalPort());
                results[2] = Processes.getppid();
            }, "connect", "getppid");
            assertEquals(Errno.EPERM, results[0], "explicit CONTINUE");
            assertEquals(Errno.EPERM, results[1], "default answer");
            assertEquals(ppid, results[2], "a call not declared is still CONTINUEd");
            assertEquals(2, stats.continueRefused());
            assertEquals(1, stats.continued());
            assertNothingAccepted(listener);
        }
    }

    /**
     * A call the handler declared continue-at-once is answered by the supervisor without
     * the handler: this handler throws on anything it is given (which would answer EIO), yet
     * getppid runs, and is counted as received and continued.
     */
    @Test
    void aContinueAtOnceCallNeverReachesTheHandler() throws Throwable {
        int ppid = Processes.getppid();
        AtomicInteger handled = new AtomicInteger();
        int[] result = new int[1];
        NotificationHandler refusesAll = new NotificationHandler() {
            @Override
            public void handle(NotificationContext ctx) {
                handled.incrementAndGet();
                throw new IllegalStateException("the handler saw " + ctx.syscallName());
            }

            @Override
            public Set<String> continueAtOnce() {
                return Set.of("getppid", "close");
            }
        };
        SupervisorStats stats = serve(refusesAll, () -> result[0] = Processes.getppid(), "getppid");
        assertEquals(ppid, result[0]);
        assertEquals(0, handled.get());
        assertEquals(1, stats.bySyscall().get("getppid"));
        assertEquals(1, stats.continued());
        assertEquals(0, stats.handlerFailures());
    }

    private static int connectTo(int port) {
        try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            return Sockets.tryConnect(s, SockAddr.inet(InetAddress.getLoopbackAddress(), port));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertNothingAccepted(ServerSocket listener) throws java.io.IOException {
        try (java.net.Socket s = listener.accept()) {
            throw new AssertionError("a connection reached the listener from " + s.getRemoteSocketAddress());
        } catch (SocketTimeoutException expected) {
            // nothing was queued: the connects never ran
        }
    }

    @Test
    void aDeferredAnswerDoesNotHoldUpTheContainersOtherNotifications() throws Throwable {
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger slowTid = new AtomicInteger();
        AtomicLong slowDoneAt = new AtomicLong();
        AtomicLong fastDoneAt = new AtomicLong();
        AtomicInteger slowResult = new AtomicInteger();
        CountDownLatch slowAsked = new CountDownLatch(1);
        try {
            serve(ctx -> {
                if (ctx.pid() == slowTid.get()) {
                    ctx.defer();
                    slowAsked.countDown();
                    later.schedule(() -> ctx.respondValue(7), 300, TimeUnit.MILLISECONDS);
                } else {
                    ctx.respondValue(1);
                }
            }, () -> {
                // Both threads start from the filtered thread and so inherit its filter.
                Thread slow = new Thread(() -> {
                    slowTid.set(Processes.gettid());
                    slowResult.set(Processes.getppid());
                    slowDoneAt.set(System.nanoTime());
                });
                Thread fast = new Thread(() -> {
                    try {
                        slowAsked.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 50; i++) {
                        Processes.getppid();
                    }
                    fastDoneAt.set(System.nanoTime());
                });
                slow.start();
                fast.start();
                try {
                    slow.join();
                    fast.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "getppid");
        } finally {
            later.shutdownNow();
        }
        assertEquals(7, slowResult.get());
        assertTrue(fastDoneAt.get() != 0 && fastDoneAt.get() < slowDoneAt.get(),
                "50 calls answered while one call waited for its deferred answer");
    }

    @Test
    void readsTheTargetsMemoryAndReachesItsFdsThroughAPidfd() throws Throwable {
        AtomicReference<String> seenAddress = new AtomicReference<>();
        AtomicInteger seenDomain = new AtomicInteger();
        AtomicInteger result = new AtomicInteger();
        SockAddr target = SockAddr.inet(InetAddress.getLoopbackAddress(), 9);
        serve(ctx -> {
            seenAddress.set(ctx.readSockAddr(ctx.arg(1), (int) ctx.arg(2)).toString());
            try (Fd copy = ctx.targetFd((int) ctx.arg(0))) {
                seenDomain.set(Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN));
            }
            assertTrue(ctx.isValid());
            ctx.respondError(Errno.ECONNREFUSED);
        }, () -> {
            try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                result.set(Sockets.tryConnect(s, target));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "connect");
        assertEquals(target.toString(), seenAddress.get());
        assertEquals(SockAddr.AF_INET, seenDomain.get());
        assertEquals(Errno.ECONNREFUSED, result.get());
    }

    @Test
    void keepsOnePidfdAndOneFdinfoFilePerTargetFdAcrossNotifications() throws Throwable {
        AtomicInteger closeOnExecSeen = new AtomicInteger();
        AtomicReference<Long> fdsAtFirst = new AtomicReference<>();
        AtomicLong mostFds = new AtomicLong();
        SupervisorStats stats = serve(ctx -> {
            int fd = (int) ctx.arg(0);
            try (Fd copy = ctx.targetFd(fd)) {
                if (ctx.isCloseOnExec(fd)) {
                    closeOnExecSeen.incrementAndGet();
                }
            }
            long open = OpenFds.count(OpenFds.SESSION);
            fdsAtFirst.compareAndSet(null, open);
            mostFds.accumulateAndGet(open, Math::max);
            ctx.respondError(Errno.ECONNREFUSED);
        }, () -> {
            try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                for (int i = 0; i < 50; i++) {
                    Sockets.tryConnect(s, SockAddr.inet(InetAddress.getLoopbackAddress(), 9));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "connect");
        assertEquals(50L, stats.bySyscall().get("connect"));
        assertEquals(50, closeOnExecSeen.get(), "the socket was made with SOCK_CLOEXEC");
        assertEquals(fdsAtFirst.get(), mostFds.get(), "no fd more after the first notification: pidfd and fdinfo kept");
    }
}
