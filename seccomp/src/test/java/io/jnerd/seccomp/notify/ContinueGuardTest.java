package io.jnerd.seccomp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.CompatAbi;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContinueGuardTest {

    private static final Set<String> SOCKET_CALLS = Set.of("connect", "sendmsg", "socketcall");

    @Test
    void refusesTheDeclaredCallsInTheNativeAbiAndEveryCompatAbiOfX8664() {
        ContinueGuard g = ContinueGuard.of(SOCKET_CALLS, Arch.X86_64);
        assertTrue(g.refuses(null, 42), "x86_64 connect");
        assertTrue(g.refuses(null, 46), "x86_64 sendmsg");
        assertFalse(g.refuses(null, 3), "x86_64 close");
        assertFalse(g.refuses(null, 362), "no x86_64 syscall 362");
        assertFalse(g.refuses(null, -1));
        assertFalse(g.refuses(null, Integer.MAX_VALUE));
        assertTrue(g.refuses(CompatAbi.I386, 362), "i386 connect");
        assertTrue(g.refuses(CompatAbi.I386, 102), "i386 socketcall");
        assertTrue(g.refuses(CompatAbi.I386, 370), "i386 sendmsg");
        assertFalse(g.refuses(CompatAbi.I386, 6), "i386 close");
        assertTrue(g.refuses(CompatAbi.X32, CompatAbi.X32_SYSCALL_BIT | 42), "x32 connect");
        assertTrue(g.refuses(CompatAbi.X32, CompatAbi.X32_SYSCALL_BIT | 518), "x32 sendmsg");
        assertFalse(g.refuses(CompatAbi.ARM, 283), "arm is aarch64's, not x86_64's");
    }

    @Test
    void refusesTheDeclaredCallsOf32BitArmOnAarch64() {
        ContinueGuard g = ContinueGuard.of(SOCKET_CALLS, Arch.AARCH64);
        assertTrue(g.refuses(null, 203), "aarch64 connect");
        assertTrue(g.refuses(CompatAbi.ARM, 283), "arm connect");
        assertTrue(g.refuses(CompatAbi.ARM, 296), "arm sendmsg");
        assertFalse(g.refuses(CompatAbi.ARM, 6), "arm close");
        assertFalse(g.refuses(CompatAbi.I386, 362), "i386 is x86_64's");
    }

    @Test
    void nothingDeclaredRefusesNothing() {
        ContinueGuard g = ContinueGuard.of(Set.of(), Arch.X86_64);
        assertFalse(g.refuses(null, 42));
        assertFalse(g.refuses(CompatAbi.I386, 362));
    }

    @Test
    void aNameNoAbiHasIsRefusedWhenTheSupervisorIsMade() {
        NotificationHandler typo = new NotificationHandler() {
            @Override
            public void handle(NotificationContext ctx) {
                // never called
            }

            @Override
            public Set<String> neverContinue() {
                return Set.of("conect");
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Supervisor(typo));
        assertEquals("never-CONTINUE syscall 'conect' is not a syscall jnerd knows", e.getMessage());
    }

    @Test
    void aContinueAtOnceCallThatIsAlsoNeverContinuedOrUnknownIsRefused() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> new Supervisor(handler(Set.of("connect"), Set.of("close", "connect"))));
        assertEquals("syscall 'connect' is both never-CONTINUE and continue-at-once", both.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Supervisor(handler(Set.of(), Set.of("_exit"))));
        ImmediateContinues at = ImmediateContinues.of(Set.of("close", "exit_group"),
                ContinueGuard.of(Set.of("connect"), Arch.X86_64), Arch.X86_64);
        assertTrue(at.has(3), "x86_64 close");
        assertTrue(at.has(231), "x86_64 exit_group");
        assertFalse(at.has(42), "connect");
        assertFalse(at.has(CompatAbi.X32_SYSCALL_BIT | 3), "x32 close is not native");
        assertFalse(at.has(-1));
    }

    private static NotificationHandler handler(Set<String> never, Set<String> atOnce) {
        return new NotificationHandler() {
            @Override
            public void handle(NotificationContext ctx) {
                // never called
            }

            @Override
            public Set<String> neverContinue() {
                return never;
            }

            @Override
            public Set<String> continueAtOnce() {
                return atOnce;
            }
        };
    }
}
