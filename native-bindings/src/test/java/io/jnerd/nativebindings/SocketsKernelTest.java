package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class SocketsKernelTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void tcpOnLoopbackWithOptionsNamesAndErrnosAsValues() throws Exception {
        try (Fd server = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                Fd client = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK, 0)) {
            Sockets.setIntOption(server, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
            assertEquals(1, Sockets.getIntOption(server, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR));
            Sockets.bind(server, SockAddr.inet(LOOPBACK, 0));
            Sockets.listen(server, 4);
            SockAddr bound = Sockets.localAddress(server);
            assertEquals(LOOPBACK, bound.address());
            assertNotEquals(0, bound.port());

            assertEquals(OpenFlags.O_NONBLOCK, Sockets.fileStatusFlags(client) & OpenFlags.O_NONBLOCK);
            assertNull(Sockets.accept(setNonBlocking(server), Sockets.SOCK_CLOEXEC), "EAGAIN is null");
            int errno = Sockets.tryConnect(client, bound);
            assertTrue(errno == 0 || errno == Errno.EINPROGRESS, Errno.describe(errno));
            SeccompNotifyKernelTest.awaitReadable(server, "a connection");
            try (Fd accepted = Sockets.accept(server, Sockets.SOCK_CLOEXEC)) {
                assertEquals(Sockets.localAddress(client), Sockets.peerAddress(accepted));
                assertEquals(Sockets.SOCK_STREAM, Sockets.getIntOption(accepted, Sockets.SOL_SOCKET, Sockets.SO_TYPE));
                Sockets.setIntOption(accepted, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
                byte[] linger = Sockets.getOption(accepted, Sockets.SOL_SOCKET, Sockets.SO_LINGER, 8);
                assertArrayEquals(new byte[8], linger, "struct linger off by default");
            }
        }
    }

    private static Fd setNonBlocking(Fd fd) throws SyscallException {
        Sockets.setFileStatusFlags(fd, Sockets.fileStatusFlags(fd) | OpenFlags.O_NONBLOCK);
        return fd;
    }

    @Test
    void connectToAClosedPortIsRefusedAsAValue() throws Exception {
        int port;
        try (Fd probe = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM, 0)) {
            Sockets.bind(probe, SockAddr.inet(LOOPBACK, 0));
            port = Sockets.localAddress(probe).port();
        }
        try (Fd client = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM, 0)) {
            assertEquals(Errno.ECONNREFUSED, Sockets.tryConnect(client, SockAddr.inet(LOOPBACK, port)));
        }
    }

    @Test
    void sendsWithADestinationAControlMessageAndInABatch() throws Exception {
        try (Fd receiver = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd sender = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(receiver, SockAddr.inet(LOOPBACK, 0));
            SockAddr to = Sockets.localAddress(receiver);
            byte[] one = "one".getBytes(StandardCharsets.US_ASCII);
            byte[] two = "two!".getBytes(StandardCharsets.US_ASCII);
            assertEquals(3, Sockets.trySendTo(sender, one, 0, 3, 0, to));
            assertEquals(-Errno.EDESTADDRREQ, Sockets.trySendTo(sender, one, 0, 3, 0, null), "unconnected, no address");
            // IP_TTL (SOL_IP 0, type 2) as a cmsghdr: len 20, level, type, int value.
            java.nio.ByteBuffer ttl = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.nativeOrder());
            ttl.putLong(0, 20).putInt(8, 0).putInt(12, 2).putInt(16, 7);
            assertEquals(4, Sockets.trySendMsg(sender, new Sockets.Message(two, ttl.array(), to), 0));
            int[] lengths = new int[2];
            assertEquals(2, Sockets.trySendBatch(sender,
                    List.of(new Sockets.Message(one, new byte[0], to), new Sockets.Message(two, new byte[0], to)), 0, lengths));
            assertArrayEquals(new int[] {3, 4}, lengths);
            byte[] buf = new byte[16];
            for (String expected : List.of("one", "two!", "one", "two!")) {
                int n = Sockets.read(receiver, buf, 0, buf.length);
                assertEquals(expected, new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void scmRightsCarriesFdsAndClosesThemWithTheMessage() throws Exception {
        Fd[] pair = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        try (Fd a = pair[0]; Fd b = pair[1]; Fd event = EventFd.create(0, EventFd.EFD_CLOEXEC)) {
            ScmRights.send(a, "hi".getBytes(StandardCharsets.UTF_8), List.of(event, event));
            Fd kept;
            Fd dropped;
            assertEquals(2, Sockets.bytesAvailable(b));
            try (ScmRights.Received msg = ScmRights.receive(b, 16, 2)) {
                assertEquals("hi", new String(msg.data(), StandardCharsets.UTF_8));
                assertEquals(2, msg.fds().size());
                kept = msg.take(0);
                dropped = msg.fds().get(1);
            }
            try (kept) {
                assertTrue(kept.isOpen());
                assertTrue(!dropped.isOpen(), "closing the message closed the fd not taken");
                // The received copy is the same eventfd: a signal through it is seen on ours.
                EventFd.signal(kept, 5);
                assertEquals(5, EventFd.drain(event));
            }
            Sockets.shutdown(a, Sockets.SHUT_WR);
            try (ScmRights.Received end = ScmRights.receive(b, 16, 2)) {
                assertTrue(end.isEndOfStream());
            }
        }
    }

    @Test
    void pollWakesOnAnEventFdAndTimesOut() throws Exception {
        try (Fd event = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK)) {
            int[] revents = new int[1];
            assertEquals(0, Poll.poll(new Fd[] {event}, new int[] {Poll.POLLIN}, revents, 10));
            assertEquals(0, EventFd.drain(event), "EAGAIN is 0");
            Thread waker = new Thread(() -> {
                try {
                    EventFd.signal(event, 1);
                } catch (SyscallException e) {
                    throw new IllegalStateException(e);
                }
            });
            waker.start();
            assertEquals(1, Poll.poll(new Fd[] {event}, new int[] {Poll.POLLIN}, revents, 10_000));
            assertEquals(Poll.POLLIN, revents[0]);
            waker.join();
        }
    }

    @Test
    void epollReportsTheTagOfTheFdThatIsReady() throws Exception {
        try (Epoll epoll = Epoll.create(); Fd quiet = EventFd.create(0, EventFd.EFD_CLOEXEC);
                Fd wake = EventFd.create(0, EventFd.EFD_CLOEXEC)) {
            epoll.add(quiet, Epoll.EPOLLIN, 0x1111_0000_0000_0001L);
            epoll.add(wake, Epoll.EPOLLIN, 0x2222_0000_0000_0002L);
            long[] tags = new long[4];
            int[] events = new int[4];
            assertEquals(0, epoll.await(tags, events, 10));
            EventFd.signal(wake, 1);
            assertEquals(1, epoll.await(tags, events, 10_000));
            assertEquals(0x2222_0000_0000_0002L, tags[0]);
            assertEquals(Epoll.EPOLLIN, events[0]);
            epoll.modify(wake, Epoll.EPOLLOUT, 7);
            assertEquals(1, epoll.await(tags, events, 10_000));
            assertEquals(7, tags[0]);
            epoll.remove(wake);
            assertEquals(0, epoll.await(tags, events, 0));
            SyscallException e = assertThrows(SyscallException.class, () -> epoll.remove(wake));
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    @Test
    void dup3AndFdFlags() throws Exception {
        try (Fd event = EventFd.create(0, 0); Fd copy = Sockets.dup3(event, 200, OpenFlags.O_CLOEXEC)) {
            assertEquals(200, copy.get());
            assertEquals(OpenFlags.FD_CLOEXEC, Sockets.fdFlags(copy));
            assertEquals(0, Sockets.fdFlags(event));
            Sockets.setFdFlags(event, OpenFlags.FD_CLOEXEC);
            assertEquals(OpenFlags.FD_CLOEXEC, Sockets.fdFlags(event));
        }
    }
}
