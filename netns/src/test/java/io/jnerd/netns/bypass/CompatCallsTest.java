package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.CompatAbi;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompatCallsTest {

    private static final List<CompatAbi> ABIS = List.of(CompatAbi.I386, CompatAbi.X32, CompatAbi.ARM);

    @Test
    void aCompatCallThatNamesAnAddressOrOpensASocketNeverGoesOn() {
        for (CompatAbi abi : ABIS) {
            for (String name : List.of("connect", "bind", "listen", "sendto", "sendmsg", "sendmmsg", "socketcall",
                    "socket", "socketpair", "accept4", "send")) {
                int nr = abi.number(name);
                if (nr >= 0) {
                    assertFalse(CompatCalls.mayContinue(abi, nr), abi.label() + " " + name);
                }
            }
        }
        assertFalse(CompatCalls.mayContinue(CompatAbi.I386, 362), "i386 connect");
        assertFalse(CompatCalls.mayContinue(CompatAbi.I386, 102), "i386 socketcall");
    }

    @Test
    void whatA32BitProgramNeedsUnderTheNotifySetGoesOn() {
        for (CompatAbi abi : ABIS) {
            for (String name : List.of("close", "fcntl", "setsockopt", "getpeername", "exit", "exit_group")) {
                assertTrue(CompatCalls.mayContinue(abi, abi.number(name)), abi.label() + " " + name);
            }
        }
        assertTrue(CompatCalls.mayContinue(CompatAbi.I386, 221), "i386 fcntl64");
        assertTrue(CompatCalls.mayContinue(CompatAbi.ARM, 221), "arm fcntl64");
    }

    @Test
    void anUntabledNumberAndAnUnknownAbiNeverGoOn() {
        assertFalse(CompatCalls.mayContinue(CompatAbi.I386, 4), "i386 write: not in the notify set, not tabled");
        assertFalse(CompatCalls.mayContinue(CompatAbi.X32, CompatAbi.X32_SYSCALL_BIT | 999));
        assertFalse(CompatCalls.mayContinue(CompatAbi.UNKNOWN, 6));
    }

    @Test
    void everyCallJnerdsProfileNotifiesForTheSwitchIsNeverContinued() {
        for (String name : BypassHandler.NOTIFIED_SYSCALLS) {
            assertTrue(BypassHandler.NEVER_CONTINUED.contains(name), name);
        }
        assertTrue(BypassHandler.NEVER_CONTINUED.contains("sendto"), "notified when its address is set");
    }

    @Test
    void noCompatCallTheBypassMayContinueIsOneItMustNever() {
        for (String name : CompatCalls.CONTINUED) {
            assertFalse(BypassHandler.NEVER_CONTINUED.contains(name), name);
        }
    }
}
