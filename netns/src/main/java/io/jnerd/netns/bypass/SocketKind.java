package io.jnerd.netns.bypass;

import static io.jnerd.nativebindings.SockAddr.AF_INET;
import static io.jnerd.nativebindings.SockAddr.AF_INET6;
import static io.jnerd.nativebindings.SockAddr.AF_NETLINK;
import static io.jnerd.nativebindings.SockAddr.AF_UNIX;
import static io.jnerd.nativebindings.SockAddr.AF_UNSPEC;
import static io.jnerd.nativebindings.Sockets.IPPROTO_IP;
import static io.jnerd.nativebindings.Sockets.IPPROTO_TCP;
import static io.jnerd.nativebindings.Sockets.IPPROTO_UDP;
import static io.jnerd.nativebindings.Sockets.SOCK_DGRAM;
import static io.jnerd.nativebindings.Sockets.SOCK_RAW;
import static io.jnerd.nativebindings.Sockets.SOCK_STREAM;

/**
 * A socket's {@code socket(2)} arguments as the kernel reports them through
 * {@code SO_DOMAIN}, {@code SO_TYPE} and {@code SO_PROTOCOL} (Linux 2.6.32).
 */
public record SocketKind(int family, int type, int protocol) {

    public boolean isInet() {
        return family == AF_INET || family == AF_INET6;
    }

    /** TCP: a stream socket whose protocol is 0 (the default) or IPPROTO_TCP. */
    public boolean isTcp() {
        return isInet() && type == SOCK_STREAM && (protocol == IPPROTO_IP || protocol == IPPROTO_TCP);
    }

    /** UDP: a datagram socket whose protocol is 0 or IPPROTO_UDP (not ICMP "ping" sockets). */
    public boolean isUdp() {
        return isInet() && type == SOCK_DGRAM && (protocol == IPPROTO_IP || protocol == IPPROTO_UDP);
    }

    @Override
    public String toString() {
        return familyName(family) + "/" + typeName(type) + "/" + protocol;
    }

    static String familyName(int family) {
        switch (family) {
            case AF_UNSPEC: return "AF_UNSPEC";
            case AF_UNIX: return "AF_UNIX";
            case AF_INET: return "AF_INET";
            case AF_INET6: return "AF_INET6";
            case AF_NETLINK: return "AF_NETLINK";
            default: return "family " + family;
        }
    }

    private static String typeName(int type) {
        switch (type) {
            case SOCK_STREAM: return "SOCK_STREAM";
            case SOCK_DGRAM: return "SOCK_DGRAM";
            case SOCK_RAW: return "SOCK_RAW";
            default: return "type " + type;
        }
    }
}
