/**
 * A container's network: the modes ({@link io.jnerd.engine.network.NetworkAttachers}: none,
 * host, slirp4netns, pasta, bypass4netns) behind {@link io.jnerd.engine.network.NetworkAttacher},
 * the network keeper that holds a detached container's network in a process of its own,
 * and the link to bypassd.
 */
package io.jnerd.engine.network;
