package io.jnerd.netns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network: {@code 10.0.2.0/24}, {@code fd00::/64}. Host bits given in the
 * text are cleared ({@code 10.0.2.100/24} is {@code 10.0.2.0/24}), as Go's ParseCIDR does.
 * An address without a prefix is a single host ({@code /32} or {@code /128}).
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** @throws IllegalArgumentException one line naming the bad CIDR and what is wrong */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        InetAddress address;
        try {
            address = IpLiteral.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid CIDR \"" + text + "\": \"" + addressText
                    + "\" is not an IP address");
        }
        byte[] bytes = address.getAddress();
        int maxPrefix = bytes.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String prefixText = text.substring(slash + 1);
            if (prefixText.isEmpty() || prefixText.length() > 3
                    || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("invalid CIDR \"" + text + "\": prefix length \""
                        + prefixText + "\" is not a number");
            }
            prefix = Integer.parseInt(prefixText);
            // A v4-mapped literal ("::ffff:10.0.0.0/104") came back as IPv4: its prefix counts 96 more bits.
            if (address instanceof Inet4Address && addressText.indexOf(':') >= 0) {
                prefix -= 96;
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("invalid CIDR \"" + text + "\": prefix length must be 0.."
                        + (addressText.indexOf(':') >= 0 ? 128 : maxPrefix));
            }
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** The network of {@code address} with the given prefix length. */
    public static Cidr of(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        if (prefixLength < 0 || prefixLength > bytes.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for "
                    + address.getHostAddress());
        }
        return new Cidr(mask(bytes, prefixLength), prefixLength);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsInByte = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff00 >> bitsInByte));
        }
        return out;
    }

    /** True when {@code address} is in this network; IPv4 networks never contain IPv6 addresses. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public InetAddress network() {
        try {
            return InetAddress.getByAddress(network);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr && ((Cidr) o).prefixLength == prefixLength
                && Arrays.equals(((Cidr) o).network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return IpLiteral.format(network()) + "/" + prefixLength;
    }
}
