package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4ContainsAndClearsHostBits() {
        Cidr cidr = Cidr.parse("10.0.2.100/24");
        assertEquals("10.0.2.0/24", cidr.toString());
        assertTrue(cidr.contains(IpLiteral.parse("10.0.2.255")));
        assertFalse(cidr.contains(IpLiteral.parse("10.0.3.1")));
        assertFalse(cidr.contains(IpLiteral.parse("fd00::1")), "an IPv4 network holds no IPv6 address");
    }

    @Test
    void oddPrefixesMaskInsideAByte() {
        Cidr cidr = Cidr.parse("172.16.0.0/12");
        assertTrue(cidr.contains(IpLiteral.parse("172.31.255.255")));
        assertFalse(cidr.contains(IpLiteral.parse("172.32.0.0")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(IpLiteral.parse("203.0.113.9")));
    }

    @Test
    void ipv6() {
        Cidr cidr = Cidr.parse("fd00:0:0:0::5/64");
        assertEquals("fd00::/64", cidr.toString());
        assertTrue(cidr.contains(IpLiteral.parse("fd00::abcd")));
        assertFalse(cidr.contains(IpLiteral.parse("fd00:0:0:1::1")));
        assertEquals("2001:db8::1:0:0:1/128", Cidr.parse("2001:db8:0:0:1:0:0:1").toString());
    }

    @Test
    void v4MappedLiteralsAreIpv4() {
        assertTrue(Cidr.parse("127.0.0.0/8").contains(IpLiteral.parse("::ffff:127.0.0.1")));
        assertEquals("10.0.0.0/8", Cidr.parse("::ffff:10.1.2.3/104").toString());
    }

    @Test
    void bareAddressIsOneHost() {
        assertEquals(32, Cidr.parse("192.0.2.1").prefixLength());
        assertEquals(128, Cidr.parse("::1").prefixLength());
    }

    @Test
    void errorsNameTheBadPart() {
        assertEquals("invalid CIDR \"10.0.0.0/33\": prefix length must be 0..32",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("invalid CIDR \"10.0.0/8\": \"10.0.0\" is not an IP address",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0/8")).getMessage());
        assertEquals("invalid CIDR \"10.0.0.0/x\": prefix length \"x\" is not a number",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("fd00::/129"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("localhost/8"), "no DNS lookups");
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("010.0.0.0/8"), "no octal ambiguity");
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("fe80::1%eth0/64"), "no zones");
    }

    @Test
    void mappedRawBytesBecomeIpv4() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        assertTrue(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByAddress(mapped)));
    }
}
