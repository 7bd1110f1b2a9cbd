package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ScmRights;
import io.jnerd.nativebindings.Sockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The control messages of a container's sendmsg that the agent may pass on when it sends
 * the message itself. The agent's send runs with the agent's credentials, so only messages
 * the kernel checks no privilege for are passed: a hop limit, a traffic class, don't
 * fragment, UDP GSO segment size (UDP_SEGMENT, Linux 4.18, what QUIC stacks send). SO_MARK
 * or SO_PRIORITY would need CAP_NET_ADMIN from the container and get it from the agent.
 * IP_PKTINFO / IPV6_PKTINFO choose the source address and the outgoing interface: on a
 * container socket those are the container's own, on a host socket the host's, so they pass
 * only on container sockets. On an AF_UNIX socket SCM_RIGHTS passes with the target's fd
 * numbers translated into the agent's copies of those fds; SCM_CREDENTIALS does not (the
 * kernel would check the ids in it against the agent's).
 */
final class ControlMessages {

    enum Check { PASS, MALFORMED, NOT_PASSED }

    // struct cmsghdr on 64-bit: size_t cmsg_len, int cmsg_level, int cmsg_type; data at 16.
    private static final int HEADER = 16;
    private static final int SOL_IP = 0;
    private static final int SOL_IPV6 = 41;
    private static final int SOL_UDP = 17;
    private static final int IP_TOS = 1;
    private static final int IP_TTL = 2;
    private static final int IP_PKTINFO = 8;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int IPV6_DONTFRAG = 62;
    private static final int IPV6_TCLASS = 67;
    private static final int UDP_SEGMENT = 103;

    private ControlMessages() {}

    /**
     * Walks the messages as the kernel does (__cmsg_nxthdr): each length at least a header,
     * within the buffer.
     *
     * @param unixSocket SCM_RIGHTS passes (the fds are translated, {@link #withCopies})
     */
    static Check check(byte[] control, boolean hostSocket, boolean unixSocket) {
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.nativeOrder());
        int at = 0;
        while (control.length - at >= HEADER) {
            long length = b.getLong(at);
            if (length < HEADER || length > control.length - at) {
                return Check.MALFORMED;
            }
            if (!passes(b.getInt(at + 8), b.getInt(at + 12), hostSocket, unixSocket)) {
                return Check.NOT_PASSED;
            }
            at += (int) ((length + 7) & ~7L);
        }
        return Check.PASS;
    }

    /** How many fds the SCM_RIGHTS messages carry (the messages checked: {@link Check#PASS}). */
    static int fdCount(byte[] control) {
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.nativeOrder());
        int count = 0;
        int at = 0;
        while (control.length - at >= HEADER) {
            int length = (int) b.getLong(at);
            if (b.getInt(at + 8) == Sockets.SOL_SOCKET && b.getInt(at + 12) == ScmRights.SCM_RIGHTS) {
                count += (length - HEADER) / Integer.BYTES;
            }
            at += (length + 7) & ~7;
        }
        return count;
    }

    /** The target's fd numbers, one each, as the agent's copies. */
    interface FdSource {
        Fd copyOf(int targetFd) throws IOException;
    }

    /**
     * The control messages (checked: {@link Check#PASS}) with every SCM_RIGHTS fd number
     * of the target replaced by the number of the agent's copy of that fd (pidfd_getfd),
     * which the kernel then passes. The copies are added to {@code copies}, for the caller
     * to close after the send (the receiver holds its own by then); EBADF for a number the
     * target has no fd at, as the kernel's own send says.
     */
    static byte[] withCopies(byte[] control, FdSource source, List<Fd> copies) throws IOException {
        byte[] out = control.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
        int at = 0;
        while (out.length - at >= HEADER) {
            int length = (int) b.getLong(at);
            if (b.getInt(at + 8) == Sockets.SOL_SOCKET && b.getInt(at + 12) == ScmRights.SCM_RIGHTS) {
                for (int i = at + HEADER; i + Integer.BYTES <= at + length; i += Integer.BYTES) {
                    Fd copy = source.copyOf(b.getInt(i));
                    copies.add(copy);
                    b.putInt(i, copy.get());
                }
            }
            at += (length + 7) & ~7;
        }
        return out;
    }

    private static boolean passes(int level, int type, boolean hostSocket, boolean unixSocket) {
        switch (level) {
            case Sockets.SOL_SOCKET:
                // SCM_CREDENTIALS would be checked against the agent's credentials, not
                // the target's: not passed.
                return type == ScmRights.SCM_RIGHTS && unixSocket;
            case SOL_IP:
                return type == IP_TOS || type == IP_TTL || type == IP_PKTINFO && !hostSocket;
            case SOL_IPV6:
                return type == IPV6_HOPLIMIT || type == IPV6_TCLASS || type == IPV6_DONTFRAG
                        || type == IPV6_PKTINFO && !hostSocket;
            case SOL_UDP:
                return type == UDP_SEGMENT;
            default:
                return false;
        }
    }
}
