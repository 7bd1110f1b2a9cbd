package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Msghdr;
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
        while (control.length - at >= Msghdr.CMSG_HEADER) {
            long length = Msghdr.cmsgLength(b, at);
            if (length < Msghdr.CMSG_HEADER || length > control.length - at) {
                return Check.MALFORMED;
            }
            if (!passes(Msghdr.cmsgLevel(b, at), Msghdr.cmsgType(b, at), hostSocket, unixSocket)) {
                return Check.NOT_PASSED;
            }
            at = Msghdr.cmsgNext(at, length);
        }
        return Check.PASS;
    }

    /** How many fds the SCM_RIGHTS messages carry (the messages checked: {@link Check#PASS}). */
    static int fdCount(byte[] control) {
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.nativeOrder());
        int count = 0;
        int at = 0;
        while (control.length - at >= Msghdr.CMSG_HEADER) {
            int length = (int) Msghdr.cmsgLength(b, at);
            if (isRights(b, at)) {
                count += (length - Msghdr.CMSG_HEADER) / Integer.BYTES;
            }
            at = Msghdr.cmsgNext(at, length);
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
        while (out.length - at >= Msghdr.CMSG_HEADER) {
            int length = (int) Msghdr.cmsgLength(b, at);
            if (isRights(b, at)) {
                for (int i = at + Msghdr.CMSG_HEADER; i + Integer.BYTES <= at + length; i += Integer.BYTES) {
                    Fd copy = source.copyOf(b.getInt(i));
                    copies.add(copy);
                    b.putInt(i, copy.get());
                }
            }
            at = Msghdr.cmsgNext(at, length);
        }
        return out;
    }

    private static boolean isRights(ByteBuffer b, int at) {
        return Msghdr.cmsgLevel(b, at) == Sockets.SOL_SOCKET && Msghdr.cmsgType(b, at) == ScmRights.SCM_RIGHTS;
    }

    private static boolean passes(int level, int type, boolean hostSocket, boolean unixSocket) {
        switch (level) {
            case Sockets.SOL_SOCKET:
                // SCM_CREDENTIALS would be checked against the agent's credentials, not
                // the target's: not passed.
                return type == ScmRights.SCM_RIGHTS && unixSocket;
            case Sockets.IPPROTO_IP:
                return type == Sockets.IP_TOS || type == Sockets.IP_TTL || type == Sockets.IP_PKTINFO && !hostSocket;
            case Sockets.IPPROTO_IPV6:
                return type == Sockets.IPV6_HOPLIMIT || type == Sockets.IPV6_TCLASS || type == Sockets.IPV6_DONTFRAG
                        || type == Sockets.IPV6_PKTINFO && !hostSocket;
            case Sockets.IPPROTO_UDP:
                return type == Sockets.UDP_SEGMENT;
            default:
                return false;
        }
    }
}
