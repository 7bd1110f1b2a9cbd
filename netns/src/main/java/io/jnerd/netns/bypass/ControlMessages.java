package io.jnerd.netns.bypass;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The control messages of a container's sendmsg that the agent may pass on when it sends
 * the message itself. The agent's send runs with the agent's credentials, so only messages
 * the kernel checks no privilege for are passed: a hop limit, a traffic class, don't
 * fragment, UDP GSO segment size (UDP_SEGMENT, Linux 4.18, what QUIC stacks send). SO_MARK
 * or SO_PRIORITY would need CAP_NET_ADMIN from the container and get it from the agent.
 * IP_PKTINFO / IPV6_PKTINFO choose the source address and the outgoing interface: on a
 * container socket those are the container's own, on a host socket the host's, so they pass
 * only on container sockets.
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

    /** Walks the messages as the kernel does (__cmsg_nxthdr): each length at least a header, within the buffer. */
    static Check check(byte[] control, boolean hostSocket) {
        ByteBuffer b = ByteBuffer.wrap(control).order(ByteOrder.nativeOrder());
        int at = 0;
        while (control.length - at >= HEADER) {
            long length = b.getLong(at);
            if (length < HEADER || length > control.length - at) {
                return Check.MALFORMED;
            }
            if (!passes(b.getInt(at + 8), b.getInt(at + 12), hostSocket)) {
                return Check.NOT_PASSED;
            }
            at += (int) ((length + 7) & ~7L);
        }
        return Check.PASS;
    }

    private static boolean passes(int level, int type, boolean hostSocket) {
        switch (level) {
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
