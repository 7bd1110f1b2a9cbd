package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ControlMessagesTest {

    /** One cmsghdr with {@code dataLength} bytes of data, padded to 8. */
    private static byte[] cmsg(int level, int type, int dataLength) {
        int length = 16 + dataLength;
        ByteBuffer b = ByteBuffer.allocate((length + 7) & ~7).order(ByteOrder.nativeOrder());
        b.putLong(0, length).putInt(8, level).putInt(12, type);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void unprivilegedMessagesPassOnEitherSocket() {
        byte[] gsoAndTos = concat(cmsg(17, 103, 2), cmsg(0, 1, 4));
        assertEquals(ControlMessages.Check.PASS, ControlMessages.check(gsoAndTos, true, false));
        assertEquals(ControlMessages.Check.PASS, ControlMessages.check(cmsg(41, 67, 4), true, false));
        assertEquals(ControlMessages.Check.PASS, ControlMessages.check(new byte[0], true, false));
    }

    @Test
    void pktinfoPassesOnlyOnContainerSockets() {
        assertEquals(ControlMessages.Check.PASS, ControlMessages.check(cmsg(0, 8, 12), false, false));
        assertEquals(ControlMessages.Check.NOT_PASSED, ControlMessages.check(cmsg(0, 8, 12), true, false));
        assertEquals(ControlMessages.Check.NOT_PASSED, ControlMessages.check(cmsg(41, 50, 20), true, false));
    }

    @Test
    void privilegedOrUnknownMessagesDoNotPass() {
        // SO_MARK (36) needs CAP_NET_ADMIN; SCM_RIGHTS means nothing on an INET socket.
        assertEquals(ControlMessages.Check.NOT_PASSED, ControlMessages.check(concat(cmsg(0, 1, 4), cmsg(1, 36, 4)), false, false));
        assertEquals(ControlMessages.Check.NOT_PASSED, ControlMessages.check(cmsg(1, 1, 4), false, false));
    }

    @Test
    void aLengthOutsideTheBufferIsMalformed() {
        byte[] c = cmsg(17, 103, 2);
        ByteBuffer.wrap(c).order(ByteOrder.nativeOrder()).putLong(0, 64);
        assertEquals(ControlMessages.Check.MALFORMED, ControlMessages.check(c, false, false));
        ByteBuffer.wrap(c).order(ByteOrder.nativeOrder()).putLong(0, 8);
        assertEquals(ControlMessages.Check.MALFORMED, ControlMessages.check(c, false, false));
    }

    @Test
    void onAUnixSocketFdsPassTranslatedAndCredentialsDoNot() throws Exception {
        byte[] rights = cmsg(1, 1, 8);
        ByteBuffer.wrap(rights).order(ByteOrder.nativeOrder()).putInt(16, 5).putInt(20, 7);
        assertEquals(ControlMessages.Check.PASS, ControlMessages.check(rights, false, true));
        // SCM_CREDENTIALS: the kernel would check its ids against the agent's.
        assertEquals(ControlMessages.Check.NOT_PASSED, ControlMessages.check(concat(rights, cmsg(1, 2, 12)), false, true));
        java.util.List<io.jnerd.nativebindings.Fd> copies = new java.util.ArrayList<>();
        byte[] out = ControlMessages.withCopies(concat(cmsg(0, 1, 4), rights), n -> io.jnerd.nativebindings.Fd.adopt(n + 1000),
                copies);
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
        assertEquals(1005, o.getInt(24 + 16));
        assertEquals(1007, o.getInt(24 + 20));
        assertEquals(2, copies.size());
        assertEquals(2, ControlMessages.fdCount(concat(cmsg(0, 1, 4), rights)));
        // Not closed: these numbers are nobody's here.
        copies.forEach(io.jnerd.nativebindings.Fd::release);
    }
}
