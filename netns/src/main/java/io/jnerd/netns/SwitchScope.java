package io.jnerd.netns;

import java.net.InetAddress;
import java.util.List;

/**
 * Which destinations the socket switcher must leave inside the container (DESIGN.md, "Socket
 * switching", step 2). Everything else is connected from the host network namespace.
 */
public final class SwitchScope {

    private final List<Cidr> keptInContainer;

    private SwitchScope(List<Cidr> keptInContainer) {
        this.keptInContainer = List.copyOf(keptInContainer);
    }

    /**
     * @param rules       the configured ignore rules
     * @param ownSubnets  the subnets of the container's interfaces ({@link InterfaceSubnets});
     *                    they always stay inside, "auto" or not
     */
    public static SwitchScope of(IgnoreRules rules, List<Cidr> ownSubnets) {
        List<Cidr> kept = new java.util.ArrayList<>(rules.resolve(ownSubnets));
        kept.addAll(ownSubnets);
        return new SwitchScope(kept);
    }

    /**
     * True when a connect to {@code destination} must run in the container's own namespace.
     * Loopback and the unspecified address are always kept: Linux connects 0.0.0.0 and :: to
     * the local host, so switching them would reach the host's loopback services. Build the
     * address with {@link InetAddress#getByAddress(byte[])}: it turns v4-mapped IPv6
     * ({@code ::ffff:127.0.0.1}) into IPv4, so those are judged as IPv4.
     */
    public boolean keepsInContainer(InetAddress destination) {
        if (destination.isLoopbackAddress() || destination.isAnyLocalAddress()) {
            return true;
        }
        for (Cidr cidr : keptInContainer) {
            if (cidr.contains(destination)) {
                return true;
            }
        }
        return false;
    }

    public List<Cidr> keptSubnets() {
        return keptInContainer;
    }
}
