package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class MsghdrTest {

    @Test
    void decodesEachFieldAtItsOffset() {
        ByteBuffer b = ByteBuffer.allocate(Msghdr.SIZE).order(ByteOrder.nativeOrder());
        b.putLong(0, 0x1000).putInt(8, 16).putLong(16, 0x2000).putLong(24, 3).putLong(32, 0x3000).putLong(40, 48)
                .putInt(48, -1);
        assertEquals(new Msghdr(0x1000, 16, 0x2000, 3, 0x3000, 48), Msghdr.decode(b.array()));
    }

    @Test
    void refusesAShortStruct() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Msghdr.decode(new byte[Msghdr.SIZE - 1]));
        assertEquals("struct msghdr of 55 bytes, expected 56", e.getMessage());
    }

    @Test
    void readsIovecsAndWalksControlMessagesAtCmsgAlignment() {
        ByteBuffer iov = ByteBuffer.allocate(2 * Msghdr.IOVEC_SIZE).order(ByteOrder.nativeOrder());
        iov.putLong(16, 0x4000).putLong(24, 7);
        assertEquals(0x4000, Msghdr.iovBase(iov, 1));
        assertEquals(7, Msghdr.iovLength(iov, 1));

        // One fd (20 bytes, padded to 24), then an IP_TOS byte.
        ByteBuffer c = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        c.putLong(0, Msghdr.CMSG_HEADER + 4).putInt(8, Sockets.SOL_SOCKET).putInt(12, ScmRights.SCM_RIGHTS);
        c.putLong(24, Msghdr.CMSG_HEADER + 1).putInt(32, Sockets.IPPROTO_IP).putInt(36, Sockets.IP_TOS);
        int next = Msghdr.cmsgNext(0, Msghdr.cmsgLength(c, 0));
        assertEquals(24, next);
        assertEquals(Sockets.IPPROTO_IP, Msghdr.cmsgLevel(c, next));
        assertEquals(Sockets.IP_TOS, Msghdr.cmsgType(c, next));
        assertEquals(48, Msghdr.cmsgNext(next, Msghdr.cmsgLength(c, next)));
    }
}
