package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The waiter on real loopback sockets (no privileges needed). */
@Tag("kernel")
class ConnectWaiterKernelTest {

    /** Completes with the errno, or -1 when abandoned. */
    private static ConnectWaiter.Completion into(CompletableFuture<Integer> f) {
        return new ConnectWaiter.Completion() {
            @Override
            public void completed(int errno) {
                f.complete(errno);
            }

            @Override
            public void abandoned() {
                f.complete(-1);
            }
        };
    }

    private static Fd connecting(int port) throws Exception {
        Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        int errno = Sockets.tryConnect(s, SockAddr.inet(InetAddress.getByName("127.0.0.1"), port));
        if (errno != Errno.EINPROGRESS) {
            s.close();
            throw new AssertionError("expected EINPROGRESS from a non-blocking connect, got " + Errno.name(errno));
        }
        return s;
    }

    @Test
    void reportsSuccessAndRefusal() throws Exception {
        try (ConnectWaiter w = new ConnectWaiter("waiter-test");
                ServerSocket open = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int closedPort;
            try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                closedPort = gone.getLocalPort();
            }
            CompletableFuture<Integer> ok = new CompletableFuture<>();
            CompletableFuture<Integer> refused = new CompletableFuture<>();
            try (Fd a = connecting(open.getLocalPort()); Fd b = connecting(closedPort)) {
                assertTrue(w.await(a, 0, () -> true, into(ok)));
                assertTrue(w.await(b, 0, () -> true, into(refused)));
                assertEquals(0, ok.get(5, TimeUnit.SECONDS));
                assertEquals(Errno.ECONNREFUSED, refused.get(5, TimeUnit.SECONDS));
            }
            assertEquals(0, w.pendingCount());
        }
    }

    @Test
    void aHangingConnectEndsAtItsSendTimeoutOrWhenNobodyWaits() throws Exception {
        // A listener that never accepts, its queue filled: further SYNs are dropped, so a
        // connect to it stays in progress.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ConnectWaiter w = new ConnectWaiter("waiter-test")) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket f = new Socket();
                    f.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 2000);
                    fillers.add(f);
                }
                CompletableFuture<Integer> timedOut = new CompletableFuture<>();
                CompletableFuture<Integer> unwanted = new CompletableFuture<>();
                try (Fd a = connecting(full.getLocalPort()); Fd b = connecting(full.getLocalPort())) {
                    long start = System.nanoTime();
                    assertTrue(w.await(a, TimeUnit.MILLISECONDS.toNanos(300), () -> true, into(timedOut)));
                    assertTrue(w.await(b, 0, () -> false, into(unwanted)));
                    assertEquals(Errno.EINPROGRESS, timedOut.get(5, TimeUnit.SECONDS));
                    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
                    assertEquals(-1, unwanted.get(5, TimeUnit.SECONDS), "abandoned");
                }
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void closingAbandonsWhatWaitsAndRefusesMore() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket f = new Socket();
                    f.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 2000);
                    fillers.add(f);
                }
                ConnectWaiter w = new ConnectWaiter("waiter-test");
                CompletableFuture<Integer> pending = new CompletableFuture<>();
                try (Fd a = connecting(full.getLocalPort())) {
                    assertTrue(w.await(a, 0, () -> true, into(pending)));
                    w.close();
                    assertEquals(-1, pending.get(5, TimeUnit.SECONDS));
                    assertFalse(w.await(a, 0, () -> true, into(new CompletableFuture<>())), "closed waiter took more");
                }
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void oneContainerParkingConnectsLeavesTheOthersTheirOwn() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                ConnectWaiter daemon = new ConnectWaiter("waiter-test")) {
            List<Socket> fillers = new ArrayList<>();
            try (ConnectWaiter greedy = daemon.forContainer(); ConnectWaiter other = daemon.forContainer()) {
                for (int i = 0; i < 2; i++) {
                    Socket f = new Socket();
                    f.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 2000);
                    fillers.add(f);
                }
                java.util.concurrent.atomic.AtomicBoolean wanted = new java.util.concurrent.atomic.AtomicBoolean(true);
                CompletableFuture<Integer> otherDone = new CompletableFuture<>();
                try (Fd hanging = connecting(full.getLocalPort()); Fd b = connecting(full.getLocalPort())) {
                    // One socket stands for the greedy container's many: the waiter polls each entry.
                    for (int i = 0; i < ConnectWaiter.MAX_PENDING; i++) {
                        assertTrue(greedy.await(hanging, 0, wanted::get, into(new CompletableFuture<>())), "connect " + i);
                    }
                    assertFalse(greedy.await(hanging, 0, wanted::get, into(new CompletableFuture<>())),
                            "the greedy container got past its own limit");
                    assertTrue(other.await(b, 0, () -> false, into(otherDone)), "another container's connect was refused");
                    assertEquals(-1, otherDone.get(5, TimeUnit.SECONDS), "abandoned once unwanted");
                    assertEquals(ConnectWaiter.MAX_PENDING, greedy.pendingCount());
                    wanted.set(false);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (greedy.pendingCount() > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertEquals(0, greedy.pendingCount());
                }
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }
}
