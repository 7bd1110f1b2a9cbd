/**
 * netns: rootless network namespaces, slirp4netns and pasta, and the bypass4netns socket switcher.
 *
 * <p>How {@code jnerd run} uses it: parse {@code --net} with {@link io.jnerd.netns.NetworkMode#resolve}
 * (nerdctl's annotation/label included) and {@code -p} with {@link io.jnerd.netns.PortMappingParser};
 * after the task is created (its init pid known) and before it starts, call
 * {@link io.jnerd.netns.ContainerNetworks#attach}; close the returned
 * {@link io.jnerd.netns.NetworkAttachment} after the task exited. For bypass4netns, POST the
 * bypass to bypassd ({@link io.jnerd.netns.bypassd.BypassClient}) before creating the task and
 * put the bypass's socketPath into the seccomp profile's {@code listenerPath}.
 *
 * <p>Subpackages: {@code slirp} and {@code pasta} (drivers), {@code bypass} (the socket switcher),
 * {@code bypassd} (the bypass4netnsd REST API), {@code http} (HTTP/1.1 over unix sockets),
 * {@code testhost} (the test network of DESIGN.md).
 */
package io.jnerd.netns;
