package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Poll;
import io.jnerd.nativebindings.Prctl;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.Seccomp;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SysNr;
import io.jnerd.nativebindings.SyscallException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The "container" of {@link BypassKernelTest}: a child JVM in its own, empty network
 * namespace (only lo). Its main thread installs a filter sending what nerdctl's profile
 * sends (connect, bind, setsockopt, fcntl, close, getpeername) to a listener, hands the listener to the test over the unix socket {@code args[0]}, then runs
 * one command per stdin line and prints one result line: "ok ..." or "errno ENAME".
 * Threads it starts later inherit the filter.
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

    private static long ownCookie;

    private BypassChild() {}

    public static void main(String[] args) throws Exception {
        try (Fd probe = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
            ownCookie = HostNetns.cookieOf(probe);
        }
        // Connect to the test before the filter exists: the test cannot answer it yet.
        try (Fd unix = Sockets.socket(SockAddr.AF_UNIX, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0)) {
            Sockets.connect(unix, SockAddr.unix(args[0]));
            Prctl.setNoNewPrivs();
            try (Fd listener = Seccomp.installWithListener(notifying(NERDCTL_NOTIFIED), 0)) {
                ScmRights.send(unix, new byte[] {'L'}, List.of(listener));
            }
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
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
            default:
                return "unknown command " + a[0];
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
                        + " nodelay=" + Sockets.getIntOption(s, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY);
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
    private static boolean switched(Fd s) throws SyscallException {
        return HostNetns.cookieOf(s) != ownCookie;
    }
}
