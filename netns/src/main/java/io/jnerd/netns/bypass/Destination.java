package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.SockAddr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A sockaddr as read once from the target's memory. The agent connects or binds with
 * {@link #sockAddr()}, re-encoded from what was decoded here, so the kernel sees exactly
 * the address the rules judged, whatever the target writes to its memory afterwards.
 * An IPv4-mapped IPv6 address stays AF_INET6 (the socket's family); the rules judge it
 * by the IPv4 address it reaches.
 */
public final class Destination {

    private final int family;
    private final int length;
    private final SockAddr sockAddr;
    private final byte[] raw;

    private Destination(int family, int length, SockAddr sockAddr, byte[] raw) {
        this.family = family;
        this.length = length;
        this.sockAddr = sockAddr;
        this.raw = raw;
    }

    /**
     * Decodes the bytes as read. A sockaddr too short for its family, or of a family jnerd
     * does not decode (AF_UNSPEC, AF_NETLINK, ...), keeps only its family: the kernel
     * judges those itself.
     */
    public static Destination decode(byte[] raw) {
        int family = raw.length < 2 ? -1 : SockAddr.familyOf(raw, raw.length);
        SockAddr decoded;
        try {
            decoded = SockAddr.decode(raw, raw.length);
        } catch (IllegalArgumentException e) {
            decoded = null;
        }
        return new Destination(family, raw.length, decoded, raw.clone());
    }

    /** An address for a socket of {@code family} (IPv4 on AF_INET6 becomes v4-mapped). */
    public static Destination of(int family, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        SockAddr s;
        if (family == SockAddr.AF_INET6 && ip instanceof Inet4Address) {
            s = SockAddr.v4Mapped((Inet4Address) ip, address.getPort());
        } else if (family == SockAddr.AF_INET && !(ip instanceof Inet4Address)) {
            throw new IllegalArgumentException("AF_INET socket cannot use " + ip.getHostAddress());
        } else if (family != SockAddr.AF_INET && family != SockAddr.AF_INET6) {
            throw new IllegalArgumentException("not an internet family: " + SocketKind.familyName(family));
        } else {
            s = SockAddr.inet(ip, address.getPort());
        }
        byte[] encoded = s.encode();
        return new Destination(family, encoded.length, s, encoded);
    }

    /** sa_family, or -1 when the sockaddr is shorter than that field. */
    public int family() {
        return family;
    }

    /** The decoded AF_INET/AF_INET6 address, or null. */
    public InetSocketAddress inet() {
        return sockAddr != null && sockAddr.isInet() ? sockAddr.toInetSocketAddress() : null;
    }

    /** The decoded address (null when it did not decode), for the agent's own connect or bind. */
    public SockAddr sockAddr() {
        return sockAddr;
    }

    /**
     * The bytes as read, for a call on a socket the bypass does not decode addresses for
     * (AF_UNIX, netlink, AF_UNSPEC on a container socket): the agent passes them on as the
     * target gave them ({@link PinnedAddress}).
     */
    byte[] raw() {
        return raw.clone();
    }

    /** The addrlen the target passed. */
    public int length() {
        return length;
    }

    @Override
    public String toString() {
        InetSocketAddress inet = inet();
        if (inet != null) {
            return ConnectRules.unmapped(inet.getAddress()).getHostAddress() + " port " + inet.getPort();
        }
        return SocketKind.familyName(family) + " (" + length + " bytes)";
    }
}
