package io.jnerd.netns.bypass;

import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.SeccompProfile;

/**
 * jnerd's seccomp profile for a bypassed container: the base profile with one
 * SCMP_ACT_NOTIFY rule for {@link BypassHandler#NOTIFIED_SYSCALLS} (connect and bind) and
 * the agent socket as listenerPath. Because the switch reads options and flags from the
 * socket itself, setsockopt, fcntl, close and every data syscall stay at native speed.
 */
public final class BypassProfile {

    private BypassProfile() {}

    /** @param listenerPath the agent socket runc or crun connects to */
    public static SeccompProfile of(SeccompProfile base, String listenerPath) {
        return NotifyTranslator.withNotify(base, BypassHandler.NOTIFIED_SYSCALLS, listenerPath, null);
    }
}
