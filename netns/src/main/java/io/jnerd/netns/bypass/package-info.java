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
 * <li>connect, bind, listen and sends (sendto with an address, sendmsg, sendmmsg) are
 *     never CONTINUEd, on any socket: between the agent's check of fd N and the kernel's
 *     own lookup a container thread could dup2 a switched host socket onto N, or rewrite
 *     the sockaddr or msghdr (a CONTINUEd sendmsg reads all of it again). Each is
 *     performed by the agent on its pidfd_getfd copy of the socket it checked, with the
 *     address and message it read once, and its result answered; or refused with an
 *     errno. The only CONTINUE left is for what nerdctl's profile notifies besides (close,
 *     fcntl, setsockopt, getpeername, exit).</li>
 * <li>AF_INET/AF_INET6 connects: switched ones on a new host socket, the others on the
 *     pinned container socket (AF_UNSPEC and undecodable sockaddrs too, passed to the
 *     kernel as given). Raw and ICMP sockets are never switched and act in the container.</li>
 * <li>Other families ({@link io.jnerd.netns.bypass.PinnedAddress}): the address passes as
 *     given, as it resolves in the socket's own network namespace (abstract AF_UNIX names,
 *     netlink ports, packet interfaces); an AF_UNIX path is opened in the target's root
 *     (openat2 RESOLVE_IN_ROOT under /proc/TID/root, relative paths from its working
 *     directory) and named as /proc/self/fd/K, a bind creating the file through its
 *     directory's fd with the target's umask and ids; the target's write permission is
 *     checked first ({@link io.jnerd.netns.bypass.TargetCredentials}). Netlink multicast
 *     groups (bind, connect, send) only for a target with CAP_NET_ADMIN, else EPERM: the
 *     agent's privileges are never lent. A rootful agent runs each AF_UNIX call (the path
 *     walk, connect, bind, listen, sends) on one thread switched to the caller's uids, gids
 *     and groups ({@link io.jnerd.netns.bypass.AsTarget}): the peer's SO_PEERCRED and
 *     SCM_CREDENTIALS show the caller's ids (the pid is the agent's), directories on a path
 *     are searched with its rights, and a non-root caller's capabilities are not lent.
 *     Rootless, the agent cannot become the container's non-root users (subordinate ids
 *     the user does not own): peers see the agent's ids and directories are searched with
 *     its rights. Also unlike the container's own call: getsockname of a bound path shows
 *     /proc/self/fd/N/NAME, and a blocking AF_UNIX connect to a full backlog gets EAGAIN.</li>
 * <li>Sends ({@link io.jnerd.netns.bypass.SendGuard}): from a host socket only to
 *     destinations a switched connect could reach (ENETUNREACH otherwise), TCP fast open
 *     included; SCM_RIGHTS passes with the target's fds translated into the agent's
 *     copies; SCM_CREDENTIALS and control messages needing privilege are refused (EPERM),
 *     MSG_ZEROCOPY too (ENOBUFS); one sendmmsg reads at most 1 MiB.</li>
 * <li>A socket that already lives in the host namespace (SO_NETNS_COOKIE, Linux 5.14) is
 *     never connected to loopback, a kept subnet or an ignored CIDR (ENETUNREACH), never
 *     disconnected (AF_UNSPEC: EAFNOSUPPORT), never bound again (EINVAL), and listens
 *     only when bound for a published port ({@link io.jnerd.netns.bypass.ListenGuard}).</li>
 * <li>Published ports: the container's bind is replaced by a host socket on the host port;
 *     the container's own connects to that port (loopback or its own subnet) are switched
 *     to the host side of the mapping, so they still arrive. A bind that publishes nothing
 *     is performed on the pinned container socket
 *     ({@link io.jnerd.netns.bypass.ContainerBind}). io_uring, whose submissions never
 *     pass seccomp, is refused (ENOSYS).</li>
 * <li>What the container's filter notifies ({@link io.jnerd.netns.bypass.GuardedCalls})
 *     bounds what is switched: without sends (nerdctl's profile) no UDP socket is switched;
 *     without sends or listen a host socket is in the container only while connected or
 *     listening (a switched TCP connect goes in once connected, a published TCP bind
 *     listens at once). Each such degradation is counted in
 *     {@link io.jnerd.netns.bypass.BypassStats}.</li>
 * </ul>
 */
package io.jnerd.netns.bypass;
