package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Native;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.Prctl;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SysNr;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.profile.ProfileCompiler;
import io.jnerd.seccomp.profile.ProfileContext;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The "container" of {@link BypassKernelTest}: a child JVM in its own, empty network
 * namespace (only lo). Its main thread installs a filter sending what nerdctl's profile
 * sends (connect, bind, setsockopt, fcntl, close, getpeername) to a listener, hands the listener to the test over the unix socket {@code args[0]}, then runs
 * one command per stdin line and prints one result line: "ok ..." or "errno ENAME".
 * Threads it starts later inherit the filter.
 *
 * <p>With {@code args[0]} {@value #JNERD_PROFILE} ({@link SendGuardKernelTest}) the filter
 * is jnerd's own profile instead, compiled by jnerd ({@link BypassProfile}: sendmsg is
 * notified, so the listener cannot travel by SCM_RIGHTS): the child prints "listener N"
 * and waits for one line while the test takes fd N with pidfd_getfd.
 */
public final class BypassChild {

    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int RET_K = 0x06;
    /** What nerdctl's bypass4netns profile notifies (but _exit and exit_group: the JVM's exit needs no agent). */
    private static final int[] NERDCTL_NOTIFIED = {
        SysNr.CONNECT, SysNr.BIND, SysNr.SETSOCKOPT, SysNr.FCNTL, SysNr.CLOSE, SysNr.GETPEERNAME,
    };
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    static final String JNERD_PROFILE = "--jnerd-profile";
    private static final byte[] PROBE = "probe".getBytes(StandardCharsets.US_ASCII);

    private static long ownCookie;

    private BypassChild() {}

    /**
     * Starts the child in a new network namespace with lo up (unshare -n, hence root): the
     * same java binary, class path and native backend as this JVM.
     *
     * @param mode the agent socket to hand the listener to, or {@link #JNERD_PROFILE}
     */
    static Process launch(String mode) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "--", "sh", "-c",
                "ip link set lo up && exec \"$0\" \"$@\""));
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-D" + Native.PROPERTY + "=" + System.getProperty(Native.PROPERTY, ""));
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BypassChild.class.getName());
        cmd.add(mode);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    public static void main(String[] args) throws Exception {
        try (Fd probe = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            ownCookie = Sockets.netnsCookie(probe);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals(JNERD_PROFILE)) {
            Prctl.setNoNewPrivs();
            try (Fd listener = Seccomp.installWithListener(jnerdProfile(), 0)) {
                say("listener " + listener.get());
                in.readLine();
            }
        } else {
            handOverNerdctlListener(args[0]);
        }
        say("ready");
        for (String line; (line = in.readLine()) != null; ) {
            String result;
            try {
                result = run(line.trim().split(" "));
            } catch (SyscallException e) {
                result = "errno " + Errno.name(e.errno()) + " (" + e.getMessage() + ")";
            }
            say(result);
        }
    }

    /** Connects to the test before the filter exists (the test cannot answer it yet), then sends the listener. */
    private static void handOverNerdctlListener(String agentSocket) throws Exception {
        // This profile notifies close(), and the JVM closes every class file it loads: all that
        // runs between installing the filter and handing it over must be loaded before, or the
        // child waits for a supervisor that waits for it (seen: loading ScmRights).
        Fd[] warmUp = Sockets.socketpair(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        try (Fd a = warmUp[0]; Fd b = warmUp[1]) {
            ScmRights.send(a, new byte[] {'W'}, List.of(b));
        }
        try (Fd unix = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(unix, SockAddr.unix(agentSocket));
            Prctl.setNoNewPrivs();
            try (Fd listener = Seccomp.installWithListener(notifying(NERDCTL_NOTIFIED), 0)) {
                ScmRights.send(unix, new byte[] {'L'}, List.of(listener));
            }
        }
    }

    /** {@link BypassProfile} over a base that allows everything, as jnerd compiles it. */
    private static byte[] jnerdProfile() {
        SeccompProfile allowAll = new SeccompProfile("SCMP_ACT_ALLOW", null, List.of(), List.of(), List.of(), null, null,
                List.of());
        return ProfileCompiler.compile(BypassProfile.of(allowAll, "/unused"), ProfileContext.defaults()).encode();
    }

    /** arch check, then one compare per syscall jumping to USER_NOTIF; everything else ALLOW. */
    private static long[] notifying(int[] syscalls) {
        int n = syscalls.length;
        long[] p = new long[n + 5];
        int notify = n + 3;
        int allow = n + 4;
        // struct seccomp_data: nr at 0, arch at 4.
        p[0] = Seccomp.instruction(LD_W_ABS, 0, 0, 4);
        p[1] = Seccomp.instruction(JEQ_K, 0, allow - 2, Arch.current().auditArch());
        p[2] = Seccomp.instruction(LD_W_ABS, 0, 0, 0);
        for (int i = 0; i < n; i++) {
            int at = 3 + i;
            p[at] = Seccomp.instruction(JEQ_K, notify - at - 1, i == n - 1 ? allow - at - 1 : 0, syscalls[i]);
        }
        p[notify] = Seccomp.instruction(RET_K, 0, 0, Seccomp.RET_USER_NOTIF);
        p[allow] = Seccomp.instruction(RET_K, 0, 0, Seccomp.RET_ALLOW);
        return p;
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static String run(String[] a) throws Exception {
        switch (a[0]) {
            case "tcp":
                return tcp(address(a[1], a[2]), false, false);
            case "tcp-mapped":
                return tcp(SockAddr.v4Mapped((Inet4Address) InetAddress.getByName(a[1]), Integer.parseInt(a[2])), false, false);
            case "tcp-nonblocking":
                return tcp(address(a[1], a[2]), true, false);
            case "tcp-options":
                return tcp(address(a[1], a[2]), false, true);
            case "udp":
                return udp(address(a[1], a[2]));
            case "slow-then-fast":
                return slowThenFast(address(a[1], a[2]), address(a[3], a[4]));
            case "serve":
                return serve(Integer.parseInt(a[1]));
            case "reconnect-udp":
                return reconnectUdp(address(a[1], a[2]), address(a[3], a[4]));
            case "reconnect-after-refused":
                return reconnectAfterRefused(address(a[1], a[2]), address(a[3], a[4]));
            case "connect-rate":
                return connectRate(address(a[1], a[2]), Integer.parseInt(a[3]));
            case "udp-sendto":
                return udpSendAfterConnect(address(a[1], a[2]), address(a[3], a[4]), false);
            case "udp-sendmsg":
                return udpSendAfterConnect(address(a[1], a[2]), address(a[3], a[4]), true);
            case "udp-sendmmsg":
                return udpSendBatch(address(a[1], a[2]), a.length > 3 ? address(a[3], a[4]) : null);
            case "fastopen-after-refused":
                return fastOpenAfterRefused(address(a[1], a[2]), address(a[3], a[4]));
            case "fastopen":
                return fastOpen(address(a[1], a[2]));
            case "send-swap-race":
                return SendGuardRaces.sendWhileSwapping(address(a[1], a[2]), address(a[3], a[4]), Integer.parseInt(a[5]));
            case "send-rewrite-race":
                return SendGuardRaces.sendWhileRewritten(address(a[1], a[2]), Integer.parseInt(a[3]));
            case "bind-swap-race":
                return SendGuardRaces.bindWhileSwapping(address(a[1], a[2]), address(a[3], a[4]), Integer.parseInt(a[5]));
            case "other-send-swap-race":
                return SendGuardRaces.sendWhileSwappingWith(a[1], address(a[2], a[3]), address(a[4], a[5]),
                        Integer.parseInt(a[6]));
            case "other-connect-swap-race":
                return SendGuardRaces.connectWhileSwappingWith(a[1], address(a[2], a[3]), address(a[4], a[5]),
                        Integer.parseInt(a[6]));
            case "listen-after-refused":
                return listenAfterRefused(address(a[1], a[2]));
            case "io-uring-setup":
                return "errno " + Errno.name((int) -ioUringSetup());
            case "send-rate":
                return sendRate(Integer.parseInt(a[1]));
            default:
                String pinned = PinnedCallsChild.run(a);
                return pinned != null ? pinned : "unknown command " + a[0];
        }
    }

    private static SockAddr address(String ip, String port) throws Exception {
        return SockAddr.inet(InetAddress.getByName(ip), Integer.parseInt(port));
    }

    private static String tcp(SockAddr to, boolean nonBlocking, boolean options) throws Exception {
        int type = Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC | (nonBlocking ? Sockets.SOCK_NONBLOCK : 0);
        try (Fd s = Sockets.socket(to.family(), type, 0)) {
            if (options) {
                Sockets.setIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
                Sockets.setIntOption(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
                // Two sizes, so a copy that swapped them (one SO_MEMINFO read) would show.
                Sockets.setIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 65536);
                Sockets.setIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, 32768);
            }
            int errno = Sockets.tryConnect(s, to);
            String extra = "";
            if (nonBlocking) {
                extra = " inprogress=" + (errno == Errno.EINPROGRESS);
                if (errno == Errno.EINPROGRESS) {
                    int[] revents = new int[1];
                    Poll.poll(new Fd[] {s}, new int[] {Poll.POLLOUT}, revents, 5000);
                    errno = Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
                }
                Sockets.setFileStatusFlags(s, Sockets.fileStatusFlags(s) & ~Sockets.SOCK_NONBLOCK);
            }
            if (errno != 0) {
                return "errno " + Errno.name(errno);
            }
            if (options) {
                extra += " reuseaddr=" + Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR)
                        + " nodelay=" + Sockets.getIntOption(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY)
                        + " rcvbuf=" + Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF)
                        + " sndbuf=" + Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF);
            }
            return "ok " + echo(s) + " switched=" + switched(s) + extra;
        }
    }

    private static String udp(SockAddr to) throws Exception {
        try (Fd s = Sockets.socket(to.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            int errno = Sockets.tryConnect(s, to);
            if (errno != 0) {
                return "errno " + Errno.name(errno);
            }
            return "ok " + echo(s) + " switched=" + switched(s);
        }
    }

    /** A connect that blocks (an address nobody answers) on another thread, then a quick one here. */
    private static String slowThenFast(SockAddr slow, SockAddr fast) throws Exception {
        int[] slowErrno = new int[1];
        Thread t = new Thread(() -> {
            try (Fd s = Sockets.socket(slow.family(), Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                slowErrno[0] = Sockets.tryConnect(s, slow);
            } catch (SyscallException e) {
                slowErrno[0] = e.errno();
            }
        });
        t.start();
        Thread.sleep(300);
        long start = System.nanoTime();
        String quick = tcp(fast, false, false);
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean slowStillWaiting = t.isAlive();
        t.join();
        return quick + " fastMillis=" + millis + " slowStillWaiting=" + slowStillWaiting
                + " slow=" + Errno.name(slowErrno[0]);
    }

    /** A switched UDP socket connected again, to {@code second}: what that connect gives. */
    private static String reconnectUdp(SockAddr first, SockAddr second) throws Exception {
        try (Fd s = Sockets.socket(first.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            int errno = Sockets.tryConnect(s, first);
            if (errno != 0) {
                return "first errno " + Errno.name(errno);
            }
            boolean switched = switched(s);
            errno = Sockets.tryConnect(s, second);
            return (errno == 0 ? "ok" : "errno " + Errno.name(errno)) + " firstSwitched=" + switched;
        }
    }

    /**
     * A non-blocking TCP connect that is switched and then refused (asynchronously): the
     * host socket is unconnected again, and the container tries to connect it to {@code second}.
     */
    private static String reconnectAfterRefused(SockAddr refusing, SockAddr second) throws Exception {
        try (Fd s = Sockets.socket(refusing.family(), Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0)) {
            int errno = Sockets.tryConnect(s, refusing);
            if (errno != Errno.EINPROGRESS) {
                return "first errno " + Errno.name(errno);
            }
            Poll.poll(new Fd[] {s}, new int[] {Poll.POLLOUT}, new int[1], 5000);
            int refused = Sockets.getIntOption(s, Sockets.SOL_SOCKET, Sockets.SO_ERROR);
            boolean switched = switched(s);
            Sockets.setFileStatusFlags(s, Sockets.fileStatusFlags(s) & ~Sockets.SOCK_NONBLOCK);
            errno = Sockets.tryConnect(s, second);
            return (errno == 0 ? "ok" : "errno " + Errno.name(errno)) + " first=" + Errno.name(refused)
                    + " firstSwitched=" + switched;
        }
    }

    /**
     * A UDP socket connected to {@code first} (switched), then one datagram sent with an
     * explicit destination {@code to} by sendto or sendmsg; the answer, and the reply of an
     * echo server at {@code to} if one came.
     */
    private static String udpSendAfterConnect(SockAddr first, SockAddr to, boolean sendmsg) throws Exception {
        try (Fd s = Sockets.socket(first.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            int errno = Sockets.tryConnect(s, first);
            if (errno != 0) {
                return "first errno " + Errno.name(errno);
            }
            boolean switched = switched(s);
            long sent = sendmsg ? Sockets.trySendMsg(s, new Sockets.Message(PROBE, new byte[0], to), 0)
                    : Sockets.trySendTo(s, PROBE, 0, PROBE.length, 0, to);
            if (sent < 0) {
                return "errno " + Errno.name((int) -sent) + " firstSwitched=" + switched;
            }
            byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 2).array();
            Sockets.setOption(s, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, tv);
            byte[] buf = new byte[64];
            int n = Sockets.read(s, buf, 0, buf.length);
            return "ok sent=" + sent + " echo=" + new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII)
                    + " firstSwitched=" + switched;
        }
    }

    /**
     * A UDP socket connected to {@code first} (switched), then one sendmmsg of two
     * messages: to the peer (as glibc's resolver sends its A and AAAA queries), the second
     * to {@code second} if given. The count, msg_len values and echoes; when the call sent
     * only the first, what sending the second alone gives.
     */
    private static String udpSendBatch(SockAddr first, SockAddr second) throws Exception {
        try (Fd s = Sockets.socket(first.family(), Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(s, first);
            List<Sockets.Message> batch = List.of(new Sockets.Message(PROBE, new byte[0], null),
                    new Sockets.Message(PROBE, new byte[0], second));
            int[] lengths = new int[2];
            int sent = Sockets.trySendBatch(s, batch, 0, lengths);
            if (sent < 0) {
                return "errno " + Errno.name(-sent);
            }
            String r = "ok sent=" + sent + " lengths=" + lengths[0] + "," + lengths[1] + " switched=" + switched(s);
            if (sent == 1) {
                int again = Sockets.trySendBatch(s, batch.subList(1, 2), 0, lengths);
                r += " then " + (again < 0 ? Errno.name(-again) : "sent=" + again);
            }
            byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 2).array();
            Sockets.setOption(s, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, tv);
            byte[] buf = new byte[64];
            int echoes = 0;
            for (int i = 0; i < sent; i++) {
                echoes += Sockets.read(s, buf, 0, buf.length) == PROBE.length ? 1 : 0;
            }
            return r + " echoes=" + echoes;
        }
    }

    /**
     * A TCP socket switched and refused (so unconnected again, in the host's
     * namespace), then TCP fast open (sendto with MSG_FASTOPEN, an implicit connect) to {@code to}.
     */
    private static String fastOpenAfterRefused(SockAddr refusing, SockAddr to) throws Exception {
        try (Fd s = SendGuardRaces.refusedHostSocket(refusing)) {
            if (s == null) {
                return "the first connect was not switched and refused";
            }
            Sockets.setFileStatusFlags(s, Sockets.fileStatusFlags(s) & ~Sockets.SOCK_NONBLOCK);
            long sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, Sockets.MSG_FASTOPEN, to);
            String before = "";
            if (sent == -Errno.ECONNABORTED) {
                // The kernel's first connect after an asynchronous failure reports it so
                // and resets the socket (__inet_stream_connect); the next one connects.
                before = "ECONNABORTED then ";
                sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, Sockets.MSG_FASTOPEN, to);
            }
            return before + (sent < 0 ? "errno " + Errno.name((int) -sent) : "ok sent=" + sent);
        }
    }

    /** TCP fast open on a fresh blocking socket (a container socket: never switched, connect is not called). */
    private static String fastOpen(SockAddr to) throws Exception {
        try (Fd s = Sockets.socket(to.family(), Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            long sent = Sockets.trySendTo(s, PROBE, 0, PROBE.length, Sockets.MSG_FASTOPEN, to);
            return (sent < 0 ? "errno " + Errno.name((int) -sent) : "ok sent=" + sent) + " switched=" + switched(s);
        }
    }

    /** A switched TCP socket whose connect was refused (unconnected, in the host's namespace) told to listen. */
    private static String listenAfterRefused(SockAddr refusing) throws Exception {
        try (Fd s = SendGuardRaces.refusedHostSocket(refusing)) {
            if (s == null) {
                return "the first connect was not switched and refused";
            }
            Sockets.listen(s, 1);
            return "ok listening on " + Sockets.localAddress(s);
        }
    }

    /** io_uring_setup(1, NULL): EFAULT from a kernel that has io_uring, ENOSYS from one without (or a filter). */
    static long ioUringSetup() {
        int nr = SyscallTable.get().number(Arch.current(), "io_uring_setup").orElseThrow();
        return Native.backend().syscall(nr, 1, 0, 0, 0, 0, 0);
    }

    /**
     * What notifying sends costs: datagrams per second to a sink on the child's own lo, by
     * send (sendto without address: not notified), sendto with the address and sendmsg
     * (both notified, and sent by the agent on the pinned socket).
     */
    private static String sendRate(int count) throws Exception {
        try (Fd sink = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0);
                Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.bind(sink, SockAddr.inet(InetAddress.getByName("127.0.0.1"), 0));
            SockAddr to = Sockets.localAddress(sink);
            Sockets.connect(s, to);
            StringBuilder r = new StringBuilder("ok");
            for (String how : List.of("send", "sendto-address", "sendmsg")) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long sent = how.equals("send") ? Sockets.trySendTo(s, PROBE, 0, PROBE.length, 0, null)
                            : how.equals("sendmsg") ? Sockets.trySendMsg(s, new Sockets.Message(PROBE, new byte[0], null), 0)
                            : Sockets.trySendTo(s, PROBE, 0, PROBE.length, 0, to);
                    if (sent != PROBE.length) {
                        return how + " " + i + " gave " + sent;
                    }
                }
                r.append(' ').append(how).append('=').append((long) (count / ((System.nanoTime() - start) / 1e9)));
            }
            return r.toString();
        }
    }

    /** Blocking TCP connect + close, {@code count} times: connects per second. */
    private static String connectRate(SockAddr to, int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            try (Fd s = Sockets.socket(to.family(), Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
                int errno = Sockets.tryConnect(s, to);
                if (errno != 0) {
                    return "errno " + Errno.name(errno) + " at connect " + i;
                }
            }
        }
        return "ok perSecond=" + (long) (count / ((System.nanoTime() - start) / 1e9));
    }

    /** Listens on 0.0.0.0:port and echoes one message per connection, on a thread. */
    private static String serve(int port) throws Exception {
        Fd listen = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        Sockets.setIntOption(listen, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
        Sockets.bind(listen, SockAddr.inet(InetAddress.getByName("0.0.0.0"), port));
        Sockets.listen(listen, 16);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64];
            while (true) {
                try (Fd c = Sockets.accept(listen, Sockets.SOCK_CLOEXEC)) {
                    int n = Sockets.read(c, buf, 0, buf.length);
                    Sockets.writeFully(c, java.util.Arrays.copyOf(buf, Math.max(n, 0)));
                } catch (SyscallException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return "ok listening switched=" + switched(listen);
    }

    private static String echo(Fd s) throws SyscallException {
        byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, 5).array();
        Sockets.setOption(s, Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, tv);
        Sockets.writeFully(s, HELLO);
        byte[] buf = new byte[64];
        int n = Sockets.read(s, buf, 0, buf.length);
        return new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
    }

    /** Whether the socket lives in another network namespace than this process's: the switch happened. */
    static boolean switched(Fd s) throws SyscallException {
        return Sockets.netnsCookie(s) != ownCookie;
    }
}
