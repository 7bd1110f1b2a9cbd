package io.jnerd.netns.bypass;

import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.SeccompProfile;

/**
 * jnerd's seccomp profile for a bypassed container: the base profile with one
 * SCMP_ACT_NOTIFY rule for {@link BypassHandler#NOTIFIED_SYSCALLS} (connect, bind, sendmsg,
 * sendmmsg), one for sendto whose address argument is set, and the agent socket as
 * listenerPath. Because the switch reads options and flags from the socket itself,
 * setsockopt, fcntl, close and the data syscalls without a destination (read, write,
 * send, sendto without an address, writev, recv*) stay at native speed.
 */
public final class BypassProfile {

    /** sendto(fd, buf, len, flags, dest_addr, addrlen): dest_addr is argument 4. */
    static final int SENDTO_ADDRESS_ARG = 4;

    private BypassProfile() {}

    /** @param listenerPath the agent socket runc or crun connects to */
    public static SeccompProfile of(SeccompProfile base, String listenerPath) {
        SeccompProfile notifying = NotifyTranslator.withNotify(base, BypassHandler.NOTIFIED_SYSCALLS, listenerPath, null);
        return NotifyTranslator.withNotifyWhenSet(notifying, "sendto", SENDTO_ADDRESS_ARG);
    }
}
