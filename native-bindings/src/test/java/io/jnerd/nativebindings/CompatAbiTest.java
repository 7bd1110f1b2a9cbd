package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CompatAbiTest {

    private static final int AUDIT_ARCH_I386 = 0x40000003;
    private static final int AUDIT_ARCH_ARM = 0x40000028;

    @Test
    void theNativeAbiIsNoCompatAbi() {
        assertNull(CompatAbi.of(Arch.X86_64, Arch.X86_64.auditArch(), 42));
        assertNull(CompatAbi.of(Arch.AARCH64, Arch.AARCH64.auditArch(), 203));
    }

    @Test
    void tellsTheCompatAbisApartByAuditArchAndTheX32Bit() {
        assertEquals(CompatAbi.I386, CompatAbi.of(Arch.X86_64, AUDIT_ARCH_I386, 362));
        assertEquals(CompatAbi.X32, CompatAbi.of(Arch.X86_64, Arch.X86_64.auditArch(), 0x40000000 | 42));
        assertEquals(CompatAbi.ARM, CompatAbi.of(Arch.AARCH64, AUDIT_ARCH_ARM, 283));
    }

    @Test
    void anAuditArchTheHostDoesNotServeIsUnknownNotNative() {
        assertEquals(CompatAbi.UNKNOWN, CompatAbi.of(Arch.X86_64, AUDIT_ARCH_ARM, 283));
        assertEquals(CompatAbi.UNKNOWN, CompatAbi.of(Arch.AARCH64, AUDIT_ARCH_I386, 362));
        assertEquals(CompatAbi.UNKNOWN, CompatAbi.of(Arch.X86_64, Arch.AARCH64.auditArch(), 203));
        // aarch64 has no x32: the bit only makes an unknown native number there.
        assertNull(CompatAbi.of(Arch.AARCH64, Arch.AARCH64.auditArch(), 0x40000000 | 203));
    }

    @Test
    void namesTheTabledCallsAndNumbersTheRest() {
        assertEquals("connect", CompatAbi.I386.name(362));
        assertEquals("socketcall", CompatAbi.I386.name(102));
        assertEquals("syscall 4", CompatAbi.I386.name(4));
        assertEquals("sendmsg", CompatAbi.X32.name(0x40000000 | 518));
        assertEquals("syscall x32+1", CompatAbi.X32.name(0x40000000 | 1));
        assertEquals("connect", CompatAbi.ARM.name(283));
        assertEquals(0x40000000 | 42, CompatAbi.X32.number("connect"));
        assertEquals(-1, CompatAbi.X32.number("socketcall"));
        assertEquals("syscall 362", CompatAbi.UNKNOWN.name(362));
    }
}
