package io.jnerd.netns.bypass;

import io.jnerd.seccomp.ContainerState;
import java.util.Collection;

/**
 * Which of the calls that could use a switched socket against the host the container's
 * seccomp filter sends to the agent. jnerd's own profile notifies all of them; nerdctl's
 * (bind, close, connect, setsockopt, fcntl, _exit, exit_group, getpeername) notifies no
 * send and no listen, so under it the bypass switches only what it can still guard
 * (DESIGN.md, "Socket switching").
 *
 * @param sends  sendto with an address, sendmsg and sendmmsg are all notified
 * @param listen listen is notified
 */
public record GuardedCalls(boolean sends, boolean listen) {

    /** jnerd's own profile. */
    public static final GuardedCalls ALL = new GuardedCalls(true, true);

    /** From the names of the syscalls the filter notifies (unconditionally or as jnerd's profile does). */
    public static GuardedCalls of(Collection<String> notified) {
        return new GuardedCalls(notified.containsAll(java.util.List.of("sendto", "sendmsg", "sendmmsg")),
                notified.contains("listen"));
    }

    /**
     * What the filter of the container that runc described in {@code state} notifies, read
     * from its bundle's config.json. SEAM: owned by the bypassd engineer (issue 14, class 3);
     * until it reads the bundle it assumes jnerd's own profile.
     */
    public static GuardedCalls of(ContainerState state) {
        return ALL;
    }
}
