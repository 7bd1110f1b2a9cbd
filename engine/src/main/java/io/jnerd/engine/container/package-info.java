/**
 * Containers: the OCI runtime spec ({@link io.jnerd.engine.container.SpecBuilder}), the run
 * lifecycle ({@link io.jnerd.engine.container.ContainerRunner}) and finding/removing
 * containers ({@link io.jnerd.engine.container.Containers}).
 *
 * <p>Networking plugs in through {@link io.jnerd.engine.network.NetworkAttacher}: a mode shapes
 * the spec (namespaces, /etc files, a seccomp listener), is attached after task create
 * with the container's pid and before start, and its attachment is closed after exit or
 * on any failure. New modes are registered in {@link io.jnerd.engine.network.NetworkAttachers};
 * {@code -p} mappings reach them parsed, in {@link io.jnerd.engine.network.ContainerContext#ports()}.
 */
package io.jnerd.engine.container;
