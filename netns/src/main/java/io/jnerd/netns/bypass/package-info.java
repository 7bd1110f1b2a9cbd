/**
 * bypass4netns: replaces a container's TCP and connected-UDP sockets with sockets made in
 * the agent's (host) network namespace, from seccomp user notifications for
 * {@code connect} and {@code bind} (DESIGN.md, "Socket switching").
 *
 * <p>The pure part decides ({@link io.jnerd.netns.bypass.ConnectRules},
 * {@link io.jnerd.netns.bypass.BindRules}); the kernel part switches
 * ({@link io.jnerd.netns.bypass.SocketSwitcher}); {@link io.jnerd.netns.bypass.BypassHandler}
 * plugs both into the seccomp supervisor.
 */
package io.jnerd.netns.bypass;
