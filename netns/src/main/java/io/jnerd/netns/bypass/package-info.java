/**
 * bypass4netns: replaces a container's TCP and connected-UDP sockets with sockets made in
 * the agent's (host) network namespace, from seccomp user notifications for
 * {@code connect} and {@code bind}, guarding what else could use a switched socket
 * against the host (DESIGN.md, "Socket switching").
 *
 * <p>The pure part decides ({@link io.jnerd.netns.bypass.ConnectRules},
 * {@link io.jnerd.netns.bypass.BindRules}, {@link io.jnerd.netns.bypass.CopiedOption}); the
 * kernel part switches ({@link io.jnerd.netns.bypass.SocketSwitcher}, with one
 * {@link io.jnerd.netns.bypass.ConnectWaiter} thread finishing blocking connects);
 * {@link io.jnerd.netns.bypass.BypassHandler} plugs both into the seccomp supervisor
 * (bypassd runs one per bypass).
 *
 * <p>Decisions worth knowing:
 * <ul>
 * <li>A connect on an AF_INET/AF_INET6 socket is never CONTINUEd: the agent connects, with
 *     the address it read once, either a new host socket (switched) or the pinned container
 *     socket (not switched). Only non-INET sockets (AF_UNIX: paths resolve in the caller's
 *     mount namespace) and non-INET sockaddrs on a container socket are CONTINUEd.</li>
 * <li>A socket that already lives in the host namespace (SO_NETNS_COOKIE, Linux 5.14) is
 *     never connected to loopback, a kept subnet or an ignored CIDR (ENETUNREACH), and never
 *     bound again (EINVAL).</li>
 * <li>Published ports: the container's bind is replaced by a host socket on the host port;
 *     the container's own connects to that port (loopback or its own subnet) are switched
 *     to the host side of the mapping, so they still arrive.</li>
 * <li>Sends with a destination (sendto with an address, sendmsg, sendmmsg; jnerd's profile
 *     notifies sendto only when its address argument is set, so send(2) stays native) are
 *     performed by the agent on the pinned socket ({@link io.jnerd.netns.bypass.SendGuard});
 *     from a host socket only to destinations a switched connect could reach (ENETUNREACH
 *     otherwise), TCP fast open included. A bind that publishes nothing is performed by the
 *     agent on the pinned container socket ({@link io.jnerd.netns.bypass.ContainerBind}),
 *     and so is listen, which a host socket may do only when it was bound for a published
 *     port ({@link io.jnerd.netns.bypass.ListenGuard}). io_uring, whose submissions never
 *     pass seccomp, is refused (ENOSYS).</li>
 * </ul>
 *
 * <p>Left to the kernel (CONTINUE), with the window between the agent's check and the
 * kernel's own fd lookup open to a dup2 from another container thread: non-INET sockets
 * (AF_UNIX paths resolve in the caller's mount namespace), non-TCP/UDP INET sockets (raw,
 * ICMP), and on container sockets sends with control messages the agent does not pass on.
 * nerdctl's profile does not notify sends at all, so under it the hole the SendGuard
 * closes stays open.
 */
package io.jnerd.netns.bypass;
