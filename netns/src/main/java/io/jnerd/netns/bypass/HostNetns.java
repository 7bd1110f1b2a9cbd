package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The agent's own network namespace, told apart from a container's by its cookie
 * (SO_NETNS_COOKIE, Linux 5.14, no privilege needed). The switch uses it to recognise a
 * socket it already replaced: such a socket must never be connected or bound by the
 * kernel on the container's behalf, or a rewritten sockaddr would reach the host.
 */
final class HostNetns {

    /** asm-generic/socket.h. */
    static final int SO_NETNS_COOKIE = 71;
    static final int SO_COOKIE = 57;

    private static final class Probe {
        static final long COOKIE;
        static final String UNAVAILABLE;

        static {
            long cookie = 0;
            String why = null;
            try (Fd s = Sockets.socket(SocketKind.AF_INET, SocketKind.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
                cookie = cookieOf(s);
            } catch (SyscallException e) {
                why = "bypass4netns requires Linux >= 5.14 (SO_NETNS_COOKIE): " + e.getMessage();
            }
            COOKIE = cookie;
            UNAVAILABLE = why;
        }
    }

    private HostNetns() {}

    /** Null when the kernel can tell namespaces apart, else why not. */
    static String unavailabilityCause() {
        return Probe.UNAVAILABLE;
    }

    static long agentCookie() throws SyscallException {
        if (Probe.UNAVAILABLE != null) {
            throw new UnsupportedOperationException(Probe.UNAVAILABLE);
        }
        return Probe.COOKIE;
    }

    static long cookieOf(Fd socket) throws SyscallException {
        return longOption(socket, SO_NETNS_COOKIE);
    }

    /** The socket's own cookie (SO_COOKIE, Linux 4.13): unique among the sockets since boot. */
    static long socketCookieOf(Fd socket) throws SyscallException {
        return longOption(socket, SO_COOKIE);
    }

    private static long longOption(Fd socket, int name) throws SyscallException {
        byte[] v = Sockets.getOption(socket, Sockets.SOL_SOCKET, name, Long.BYTES);
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong();
    }
}
