/**
 * bypass4netns: replaces a container's TCP and connected-UDP sockets with sockets made in
 * the agent's (host) network namespace, from seccomp user notifications for
 * {@code connect} and {@code bind} (DESIGN.md, "Socket switching").
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
 * </ul>
 *
 * <p>Not covered: data syscalls are not intercepted, so {@code sendto}/{@code sendmsg} with
 * an explicit address on a switched UDP socket (or TCP fast open on a switched TCP socket
 * whose connect failed) go wherever that address says, in the host namespace. Closing that
 * needs the profile to notify sendto when its address argument is not NULL (a seccomp
 * argument rule, so plain send stays fast) and the agent to send the data itself.
 */
package io.jnerd.netns.bypass;
