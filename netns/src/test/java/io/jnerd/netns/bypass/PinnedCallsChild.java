package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.nativebindings.ThreadCredentials;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Commands of {@link BypassChild} for what the agent performs on its pinned copy of a
 * socket it does not switch: AF_UNIX (path, relative path, abstract; stream and datagram),
 * netlink as glibc's getaddrinfo uses it, SCM_RIGHTS; and for the calls it refuses.
 */
final class PinnedCallsChild {

    private static final byte[] PROBE = "probe".getBytes(StandardCharsets.US_ASCII);
    private static final int AF_NETLINK = 16;
    private static final int MSG_ZEROCOPY = 0x4000000;

    private PinnedCallsChild() {}

    static String run(String[] a) throws Exception {
        switch (a[0]) {
            case "unix-stream":
                return unixStream(a[1].equals("@") ? SockAddr.abstractUnix(a[2]) : SockAddr.unix(a[1]));
            case "unix-dgram":
                return unixDgram(SockAddr.unix(a[1]));
            case "netlink-dump":
                return netlinkDump();
            case "scm-rights":
                return scmRights();
            case "scm-credentials":
                return scmCredentials();
            case "udp-zerocopy":
                return udpZerocopy();
            case "fastopen-after-refused-any":
                return fastOpenAfterRefused(address(a[1], a[2]), address(a[3], a[4]));
            case "bind-then-fastopen":
                return bindThenFastOpen(Integer.parseInt(a[1]), address(a[2], a[3]));
            case "udp-bind":
                return udpBind(Integer.parseInt(a[1]));
            case "udp-sendmmsg-many":
                return udpSendmmsgMany(Integer.parseInt(a[1]));
            case "unix-connect":
                return unixConnect(SockAddr.unix(a[1]));
            case "netlink-groups":
                return netlinkGroups();
            case "as-nobody":
                return asUid(65534, java.util.Arrays.copyOfRange(a, 1, a.length));
            case "as-uid":
                return asUid(Long.parseLong(a[1]), java.util.Arrays.copyOfRange(a, 2, a.length));
            case "unix-listener-as":
                return listenerAs(Long.parseLong(a[1]), a[2]);
            case "unix-sendto":
                return unixSendto(SockAddr.unix(a[1]));
            case "unix-connects":
                return unixConnects(Integer.parseInt(a[1]), SockAddr.unix(a[2]));
            default:
                return null;
        }
    }

    private static SockAddr address(String ip, String port) throws Exception {
        return SockAddr.inet(InetAddress.getByName(ip), Integer.parseInt(port));
    }

    /** A listener bound at {@code at} (bind and listen notified), a client connected to it (notified), one exchange. */
    private static String unixStream(SockAddr at) throws Exception {
        try (Fd server = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                Fd client = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(server, at);
            String file = at.isAbstract() ? "" : fileOf(at.unixPath());
            Sockets.listen(server, 4);
            Sockets.connect(client, at);
            try (Fd accepted = Sockets.accept(server, Sockets.SOCK_CLOEXEC)) {
                Sockets.writeFully(client, PROBE);
                return "ok got=" + read(accepted) + " peer=" + Sockets.peerAddress(client) + file;
            }
        } finally {
            if (!at.isAbstract()) {
                Files.deleteIfExists(Path.of(at.unixPath()));
            }
        }
    }

    /** A datagram socket bound at {@code at}, and one datagram to it by sendto with the path (notified). */
    private static String unixDgram(SockAddr at) throws Exception {
        try (Fd server = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd client = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(server, at);
            long sent = Sockets.trySendTo(client, PROBE, 0, PROBE.length, 0, at);
            if (sent < 0) {
                return "errno " + Errno.name((int) -sent);
            }
            return "ok sent=" + sent + " got=" + read(server);
        } finally {
            Files.deleteIfExists(Path.of(at.unixPath()));
        }
    }

    private static String fileOf(String path) throws Exception {
        java.util.Map<String, Object> a = Files.readAttributes(Path.of(path), "unix:mode,uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return " mode=" + Integer.toOctalString((int) a.get("mode")) + " uid=" + a.get("uid");
    }

    private static String read(Fd s) throws SyscallException {
        byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 5).array();
        Sockets.setOption(s, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, tv);
        byte[] buf = new byte[64];
        int n = Sockets.read(s, buf, 0, buf.length);
        return new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
    }

    /**
     * What glibc's getaddrinfo does to learn the local addresses: a NETLINK_ROUTE socket,
     * bind to {nl_pid 0, nl_groups 0}, sendto the kernel (nl_pid 0) an RTM_GETADDR dump;
     * bind and sendto with the address are notified. The first reply's type.
     */
    private static String netlinkDump() throws Exception {
        try (Fd nl = Sockets.socket(AF_NETLINK, Sockets.SOCK_RAW | Sockets.SOCK_CLOEXEC, 0)) {
            byte[] kernel = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort(0, (short) AF_NETLINK).array();
            Sockets.bind(nl, SockAddr.opaque(kernel));
            // struct nlmsghdr {len 24, type RTM_GETADDR 22, flags NLM_F_REQUEST|NLM_F_DUMP, seq 1, pid 0}, struct ifaddrmsg.
            byte[] request = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putInt(0, 24).putShort(4, (short) 22)
                    .putShort(6, (short) 0x301).putInt(8, 1).array();
            long sent = Sockets.trySendTo(nl, request, 0, request.length, 0, SockAddr.opaque(kernel));
            if (sent < 0) {
                return "errno " + Errno.name((int) -sent);
            }
            byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 5).array();
            Sockets.setOption(nl, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, tv);
            byte[] reply = new byte[8192];
            int n = Sockets.read(nl, reply, 0, reply.length);
            ByteBuffer r = ByteBuffer.wrap(reply).order(ByteOrder.nativeOrder());
            // RTM_NEWADDR (20): lo's 127.0.0.1 and ::1.
            return "ok sent=" + sent + " firstType=" + (n >= 16 ? r.getShort(4) : -1);
        }
    }

    /** A socket passed by sendmsg with SCM_RIGHTS (notified, so translated by the agent) and used by the receiver. */
    private static String scmRights() throws Exception {
        Fd[] carrier = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        Fd[] payload = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        try (Fd a = carrier[0]; Fd b = carrier[1]; Fd c = payload[0]; Fd d = payload[1]) {
            ScmRights.send(a, new byte[] {'F'}, List.of(c));
            try (ScmRights.Received got = ScmRights.receive(b, 16, 4); Fd passed = got.take(0)) {
                Sockets.writeFully(passed, PROBE);
                return "ok fds=" + got.fds().size() + " through=" + read(d);
            }
        }
    }

    /** sendmsg with SCM_CREDENTIALS of this very process: the kernel would take it, the agent may not. */
    private static String scmCredentials() throws Exception {
        Fd[] pair = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
        try (Fd a = pair[0]; Fd b = pair[1]) {
            // struct cmsghdr {len 28, SOL_SOCKET, SCM_CREDENTIALS}, struct ucred {pid, uid 0, gid 0}, padded to 32.
            byte[] control = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder()).putLong(0, 28).putInt(8, 1)
                    .putInt(12, 2).putInt(16, (int) ProcessHandle.current().pid()).array();
            long r = Sockets.trySendMsg(a, new Sockets.Message(PROBE, control, null), 0);
            return r < 0 ? "errno " + Errno.name((int) -r) : "ok sent=" + r;
        }
    }

    /** sendto with MSG_ZEROCOPY (and an address, so notified) to a sink on this namespace's lo. */
    private static String udpZerocopy() throws Exception {
        try (Fd sink = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(sink, SockAddr.inet(InetAddress.getByName("127.0.0.1"), 0));
            long r = Sockets.trySendTo(s, PROBE, 0, PROBE.length, MSG_ZEROCOPY, Sockets.localAddress(sink));
            return r < 0 ? "errno " + Errno.name((int) -r) : "ok sent=" + r;
        }
    }

    /**
     * A non-blocking TCP connect to {@code refusing}, refused (at once or after
     * EINPROGRESS), then TCP fast open to {@code to} on the same socket, whatever it is now.
     */
    private static String fastOpenAfterRefused(SockAddr refusing, SockAddr to) throws Exception {
        try (Fd s = Sockets.socket(refusing.family(), Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0)) {
            int errno = Sockets.tryConnect(s, refusing);
            if (errno == Errno.EINPROGRESS) {
                Poll.poll(new Fd[] {s}, new int[] {Poll.POLLOUT}, new int[1], 5000);
                errno = Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
            }
            boolean switched = BypassChild.switched(s);
            Sockets.setFileStatusFlags(s, Sockets.fileStatusFlags(s) & ~Sockets.SOCK_NONBLOCK);
            long sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, Sockets.MSG_FASTOPEN, to);
            if (sent == -Errno.ECONNABORTED) {
                // The first connect after an asynchronous failure reports it; the next one goes.
                sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, Sockets.MSG_FASTOPEN, to);
            }
            return (sent < 0 ? "errno " + Errno.name((int) -sent) : "ok sent=" + sent) + " first=" + Errno.name(errno)
                    + " switched=" + switched;
        }
    }

    /** A TCP socket bound to 0.0.0.0:{@code port} (a published port: switched), then TCP fast open to {@code to} from it. */
    private static String bindThenFastOpen(int port, SockAddr to) throws Exception {
        try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(s, SockAddr.inet(InetAddress.getByName("0.0.0.0"), port));
            long sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, Sockets.MSG_FASTOPEN, to);
            return (sent < 0 ? "errno " + Errno.name((int) -sent) : "ok sent=" + sent) + " switched=" + BypassChild.switched(s);
        }
    }

    /** A UDP socket bound to 0.0.0.0:{@code port}: whether it was switched. */
    private static String udpBind(int port) throws Exception {
        try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(s, SockAddr.inet(InetAddress.getByName("0.0.0.0"), port));
            return "ok switched=" + BypassChild.switched(s);
        }
    }

    /** A stream connect to {@code at}: ok or the errno. */
    private static String unixConnect(SockAddr at) throws Exception {
        try (Fd s = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            int errno = Sockets.tryConnect(s, at);
            return errno == 0 ? "ok" : "errno " + Errno.name(errno);
        }
    }

    /** A NETLINK_ROUTE bind to multicast group 1 (RTMGRP_LINK): ok or the errno. */
    private static String netlinkGroups() throws Exception {
        try (Fd nl = Sockets.socket(AF_NETLINK, Sockets.SOCK_RAW | Sockets.SOCK_CLOEXEC, 0)) {
            byte[] groups = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort(0, (short) AF_NETLINK)
                    .putInt(8, 1).array();
            Sockets.bind(nl, SockAddr.opaque(groups));
            return "ok";
        }
    }

    /**
     * The command on a new thread that first becomes uid and gid {@code id} with no groups:
     * {@link ThreadCredentials} changes only the calling thread's credentials (glibc's
     * wrappers would change all), and leaving uid 0 clears its capabilities (capabilities(7)).
     * The agent reads the notified thread's /proc/TID/status.
     */
    private static String asUid(long id, String[] command) throws Exception {
        String[] result = new String[1];
        Thread t = new Thread(() -> {
            try {
                become(id);
                result[0] = run(command);
            } catch (SyscallException e) {
                result[0] = "errno " + Errno.name(e.errno());
            } catch (Exception e) {
                result[0] = e.toString();
            }
        });
        t.start();
        t.join();
        return result[0];
    }

    /** This thread becomes uid and gid {@code id}, with no groups, for good. */
    private static void become(long id) throws SyscallException {
        ThreadCredentials.setgroups(new long[0]);
        ThreadCredentials.setresgid(id, id, id);
        ThreadCredentials.setresuid(id, id, id);
    }

    /**
     * A thread of uid {@code id} binds and listens at {@code path} (both notified); this
     * root thread connects to it (notified) and names the user its SO_PEERCRED shows: the
     * listener's, taken at listen.
     */
    private static String listenerAs(long id, String path) throws Exception {
        Fd[] listener = new Fd[1];
        String[] failure = new String[1];
        Thread t = new Thread(() -> {
            try {
                become(id);
                listener[0] = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                Sockets.bind(listener[0], SockAddr.unix(path));
                Sockets.listen(listener[0], 4);
            } catch (SyscallException e) {
                failure[0] = "errno " + Errno.name(e.errno());
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) {
            if (listener[0] != null) {
                listener[0].close();
            }
            return failure[0];
        }
        try (Fd l = listener[0]; java.nio.channels.SocketChannel c =
                java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(path))) {
            return "ok listener=" + c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (java.io.IOException e) {
            return e.toString();
        } finally {
            Files.deleteIfExists(Path.of(path));
        }
    }

    /** One datagram from an unbound AF_UNIX socket, by sendto with the path (notified): ok or the errno. */
    private static String unixSendto(SockAddr at) throws Exception {
        try (Fd s = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            long sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, 0, at);
            return sent < 0 ? "errno " + Errno.name((int) -sent) : "ok";
        }
    }

    /**
     * {@code count} AF_UNIX connects (socket, connect, close) to {@code at}: ok, the
     * nanoseconds they took, and how many found the listener's backlog full (EAGAIN: the
     * agent's connect does not wait) and were made again a millisecond later.
     */
    private static String unixConnects(int count, SockAddr at) throws Exception {
        long start = System.nanoTime();
        int full = 0;
        for (int i = 0; i < count; i++) {
            try (Fd s = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                int errno = Sockets.tryConnect(s, at);
                if (errno == Errno.EAGAIN) {
                    full++;
                    i--;
                    Thread.sleep(1);
                } else if (errno != 0) {
                    return "errno " + Errno.name(errno) + " after " + i;
                }
            }
        }
        return "ok nanos=" + (System.nanoTime() - start) + " full=" + full;
    }

    /** One sendmmsg of {@code count} small datagrams, each naming a sink on this namespace's lo. */
    private static String udpSendmmsgMany(int count) throws Exception {
        try (Fd sink = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(sink, SockAddr.inet(InetAddress.getByName("127.0.0.1"), 0));
            Sockets.setIntOption(sink, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 4 << 20);
            SockAddr to = Sockets.localAddress(sink);
            List<Sockets.Message> batch = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                batch.add(new Sockets.Message(PROBE, new byte[0], to));
            }
            int sent = Sockets.trySendBatch(s, batch, 0, new int[count]);
            return sent < 0 ? "errno " + Errno.name(-sent) : "ok sent=" + sent;
        }
    }
}
