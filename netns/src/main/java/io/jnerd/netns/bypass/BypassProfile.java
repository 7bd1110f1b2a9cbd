package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.OciNames;
import io.jnerd.seccomp.profile.SeccompProfile;
import io.jnerd.seccomp.profile.SyscallEntry;
import java.util.List;

/**
 * jnerd's seccomp profile for a bypassed container: the base profile with one
 * SCMP_ACT_NOTIFY rule for {@link BypassHandler#NOTIFIED_SYSCALLS} (connect, bind, sendmsg,
 * sendmmsg), one for sendto whose address argument is set, and the agent socket as
 * listenerPath. Because the switch reads options and flags from the socket itself,
 * setsockopt, fcntl, close and the data syscalls without a destination (read, write,
 * send, sendto without an address, writev, recv*) stay at native speed.
 *
 * <p>io_uring is refused with ENOSYS, as on a kernel without it: its submissions
 * (IORING_OP_CONNECT, IORING_OP_SENDMSG, ...) run in the kernel without passing seccomp,
 * so on a switched socket they would reach any address of the host. Docker's default
 * profile blocks io_uring since Docker 25 for the same kind of reason.
 */
public final class BypassProfile {

    /** sendto(fd, buf, len, flags, dest_addr, addrlen): dest_addr is argument 4. */
    static final int SENDTO_ADDRESS_ARG = 4;
    static final List<String> IO_URING = List.of("io_uring_enter", "io_uring_register", "io_uring_setup");

    private BypassProfile() {}

    /** @param listenerPath the agent socket runc or crun connects to */
    public static SeccompProfile of(SeccompProfile base, String listenerPath) {
        SeccompProfile notifying = NotifyTranslator.withNotify(base, BypassHandler.NOTIFIED_SYSCALLS, listenerPath, null);
        return withoutIoUring(NotifyTranslator.withNotifyWhenSet(notifying, "sendto", SENDTO_ADDRESS_ARG));
    }

    private static SeccompProfile withoutIoUring(SeccompProfile profile) {
        return NotifyTranslator.withSoleRule(profile, new SyscallEntry(IO_URING, OciNames.ACT_ERRNO, Errno.ENOSYS,
                List.of(), "io_uring operations bypass seccomp, and with it the bypass's checks", null, null));
    }
}
