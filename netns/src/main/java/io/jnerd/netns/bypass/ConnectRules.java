package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.SockAddr;
import io.jnerd.netns.Cidr;
import io.jnerd.netns.SwitchScope;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Decides whether a container's {@code connect} is switched to a host socket. Split in two
 * steps so that the cheap one (the destination alone) runs before the agent fetches the
 * socket with pidfd_getfd.
 *
 * <p>Never switched: loopback and unspecified destinations (connecting to 0.0.0.0 or ::
 * reaches the local host on Linux, so on a host socket it would reach the host's
 * loopback services), link-local (its scope id names a container interface), multicast
 * and broadcast, the container's own subnets, ignored CIDRs, non-INET sockets, raw and
 * other non-TCP/UDP sockets, AF_UNSPEC (a UDP disconnect), and sockets the container
 * already bound to an address or port (the host cannot give it that address, and a host
 * port is another port). Unconnected UDP is never seen: only connect is intercepted.
 */
public final class ConnectRules {

    private final SwitchScope scope;
    private final List<Cidr> ownSubnets;

    /**
     * @param scope      what stays in the container: the ignore rules and the own subnets
     * @param ownSubnets the subnets of the container's interfaces, told apart from ignored
     *                   CIDRs because only a connect to the container itself may go to a
     *                   published port ({@link BindRules#selfConnect})
     */
    public ConnectRules(SwitchScope scope, List<Cidr> ownSubnets) {
        this.scope = scope;
        this.ownSubnets = List.copyOf(ownSubnets);
    }

    /** Step one: {@link Verdict#SWITCH} means "the destination allows it". */
    public Verdict forDestination(Destination destination) {
        if (destination.family() == SockAddr.AF_UNSPEC) {
            return Verdict.DISCONNECT;
        }
        if (destination.family() != SockAddr.AF_INET && destination.family() != SockAddr.AF_INET6) {
            return Verdict.NOT_INET;
        }
        InetSocketAddress inet = destination.inet();
        if (inet == null) {
            return Verdict.BAD_ADDRESS;
        }
        InetAddress ip = unmapped(inet.getAddress());
        if (ip.isLoopbackAddress() || ip.isAnyLocalAddress()) {
            return Verdict.LOOPBACK;
        }
        if (ip.isLinkLocalAddress()) {
            return Verdict.LINK_LOCAL;
        }
        if (ip.isMulticastAddress() || isLimitedBroadcast(ip)) {
            return Verdict.NOT_UNICAST;
        }
        for (Cidr own : ownSubnets) {
            if (own.contains(ip)) {
                return Verdict.CONTAINER_SUBNET;
            }
        }
        if (scope.keepsInContainer(ip)) {
            return Verdict.IGNORED_CIDR;
        }
        return Verdict.SWITCH;
    }

    /**
     * Step two, on the container's socket: its kind and its local address
     * ({@code getsockname}; an unbound socket reports the wildcard address and port 0).
     */
    public Verdict forSocket(SocketKind kind, Destination destination, InetSocketAddress local) {
        if (!kind.isInet()) {
            return Verdict.NOT_INET;
        }
        if (!kind.isTcp() && !kind.isUdp()) {
            return Verdict.NOT_TCP_OR_UDP;
        }
        if (!familyFits(kind.family(), destination.family())) {
            return Verdict.FAMILY_MISMATCH;
        }
        if (local != null && (!local.getAddress().isAnyLocalAddress() || local.getPort() != 0)) {
            return Verdict.ALREADY_BOUND;
        }
        return Verdict.SWITCH;
    }

    /** Both steps, for callers that already hold the socket's facts. */
    public Verdict decide(SocketKind kind, Destination destination, InetSocketAddress local) {
        Verdict v = forDestination(destination);
        return v.switches() ? forSocket(kind, destination, local) : v;
    }

    /** An AF_INET6 socket takes only AF_INET6 sockaddrs (v4-mapped for IPv4), AF_INET only AF_INET. */
    private static boolean familyFits(int socketFamily, int addressFamily) {
        return socketFamily == addressFamily;
    }

    /** ::ffff:a.b.c.d as a.b.c.d, whichever way it was decoded. */
    static InetAddress unmapped(InetAddress ip) {
        if (ip instanceof Inet6Address) {
            byte[] b = ip.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return ip;
    }

    private static boolean isLimitedBroadcast(InetAddress ip) {
        if (!(ip instanceof Inet4Address)) {
            return false;
        }
        for (byte b : ip.getAddress()) {
            if (b != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }
}
