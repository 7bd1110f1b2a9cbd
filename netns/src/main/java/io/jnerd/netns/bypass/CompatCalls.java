package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.CompatAbi;
import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.notify.NotificationContext;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The bypass's answer to a call through a compat ABI (i386 {@code int $0x80}, x32, 32-bit
 * ARM), which the switch does not serve: docker's, nerdctl's and jnerd's profiles list
 * SCMP_ARCH_X86 and SCMP_ARCH_X32, so libseccomp notifies those ABIs' connect, bind,
 * socketcall, ... too, and a 64-bit process can make them on a socket the switch already
 * moved to the host. Only what a 32-bit program needs to live under the notify set goes on
 * (close, fcntl, setsockopt, getpeername, exit); every other compat call fails with EPERM,
 * as the native call would if the bypass refused it.
 */
final class CompatCalls {

    private static final Logger LOG = Logger.getLogger(CompatCalls.class.getName());

    /** Calls that neither name an address nor open a socket to the world. */
    static final Set<String> CONTINUED = Set.of("close", "fcntl", "fcntl64", "setsockopt", "getpeername", "exit",
            "exit_group");

    private CompatCalls() {}

    /** Whether {@code nr} of {@code abi} may run natively; every number not tabled may not. */
    static boolean mayContinue(CompatAbi abi, int nr) {
        for (String name : CONTINUED) {
            if (abi.number(name) == nr) {
                return true;
            }
        }
        return false;
    }

    /** Answers a compat notification: CONTINUE or EPERM (counted in {@link BypassStats#compatRefused()}). */
    static void answer(NotificationContext ctx, CompatAbi abi, BypassStats stats) {
        if (mayContinue(abi, ctx.notification().nr())) {
            Answers.proceed(ctx);
            return;
        }
        stats.refusedCompat();
        LOG.fine(() -> "bypass: " + ctx + ": refused (EPERM): the bypass does not serve the " + abi.label() + " ABI");
        Answers.result(ctx, -Errno.EPERM);
    }
}
