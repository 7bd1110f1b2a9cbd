package io.jnerd.netns.bypass;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** "10.0.2.0/24" as an {@link AddressSet}, for the rule tests (prefix match on the bytes). */
final class TestCidr implements AddressSet {

    private final byte[] network;
    private final int prefix;

    private TestCidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    static TestCidr of(String cidr) {
        int slash = cidr.indexOf('/');
        return new TestCidr(ip(cidr.substring(0, slash)).getAddress(), Integer.parseInt(cidr.substring(slash + 1)));
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Override
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
