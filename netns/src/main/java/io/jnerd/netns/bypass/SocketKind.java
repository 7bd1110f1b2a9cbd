package io.jnerd.netns.bypass;

/**
 * A socket's {@code socket(2)} arguments as the kernel reports them through
 * {@code SO_DOMAIN}, {@code SO_TYPE} and {@code SO_PROTOCOL} (Linux 2.6.32). Numbers are
 * those of include/linux/socket.h and net.h, the same on every architecture jnerd supports.
 */
public record SocketKind(int family, int type, int protocol) {

    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;

    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;

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
