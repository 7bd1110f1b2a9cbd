package io.jnerd.netns.bypass;

import java.net.InetAddress;

/**
 * A set of addresses the rules test destinations against: the container's own subnets and
 * the ignored CIDRs. The network model's CIDR type fits as a method reference
 * ({@code cidr::contains}); this keeps the rules free of how subnets are parsed.
 */
@FunctionalInterface
public interface AddressSet {

    boolean contains(InetAddress address);

    /** Whether any of {@code sets} contains {@code address}. */
    static boolean anyContains(Iterable<? extends AddressSet> sets, InetAddress address) {
        for (AddressSet s : sets) {
            if (s.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
