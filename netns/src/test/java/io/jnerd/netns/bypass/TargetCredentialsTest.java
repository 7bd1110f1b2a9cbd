package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Capabilities;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetCredentialsTest {

    /** A status of a thread with fsuid 1000, fsgid 1000, groups 10 and 1000, no capabilities, umask 0027. */
    private static TargetCredentials user() throws IOException {
        return TargetCredentials.parse(List.of("Name:\tapp", "Umask:\t0027", "Uid:\t1000\t1000\t1000\t1000",
                "Gid:\t1000\t1000\t1000\t1000", "Groups:\t10 1000 ", "CapEff:\t0000000000000000"), "status");
    }

    @Test
    void theOwnerGroupAndOtherBitsApplyInThatOrder() throws IOException {
        TargetCredentials c = user();
        assertEquals(027, c.umask());
        // Owner 1000: the owner bits, even when the group bits would allow more.
        assertFalse(c.mayAccess(0477, 1000, 1000, 2));
        assertTrue(c.mayAccess(0200, 1000, 0, 2));
        // A supplementary group's bits.
        assertTrue(c.mayAccess(0020, 0, 10, 2));
        assertFalse(c.mayAccess(0757, 0, 10, 2));
        // Neither: the other bits.
        assertTrue(c.mayAccess(0002, 0, 0, 2));
        assertFalse(c.mayAccess(0775, 0, 0, 2));
        // Write and search of a directory, both needed.
        assertFalse(c.mayAccess(0702, 0, 0, 3));
        assertTrue(c.mayAccess(0703, 0, 0, 3));
    }

    @Test
    void dacOverrideAndNetAdminAreReadFromTheEffectiveSet() throws IOException {
        // CapEff 0x1002: CAP_DAC_OVERRIDE (1) and CAP_NET_ADMIN (12).
        TargetCredentials c = TargetCredentials.parse(List.of("Uid:\t0\t5\t0\t7", "Gid:\t0\t0\t0\t8",
                "CapEff:\t0000000000001002"), "status");
        assertEquals(7, c.fsuid());
        assertEquals(8, c.fsgid());
        assertTrue(c.mayAccess(0, 0, 0, 2));
        assertTrue(c.hasCapability(Capabilities.CAP_NET_ADMIN));
        assertFalse(c.hasCapability(Capabilities.CAP_NET_BIND_SERVICE));
        assertEquals(022, c.umask(), "no Umask line (before Linux 4.7): the usual default");
    }

    @Test
    void aStatusWithoutIdsIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> TargetCredentials.parse(List.of("Uid:\t0\t0\t0\t0", "CapEff:\t0"), "/proc/1/status"));
        assertTrue(e.getMessage().contains("/proc/1/status"), e.getMessage());
    }
}
