/**
 * mounts: real recursive read-only mounts (rro) and the -v / --mount option model.
 *
 * <p>For the cli: {@link io.jnerd.mounts.MountOptions} parses {@code -v} and {@code --mount}
 * into {@link io.jnerd.mounts.MountRequest}s; {@link io.jnerd.mounts.MountTranslator} turns
 * them into OCI spec mounts and, where the runtime has no {@code rro}, a createContainer
 * hook ({@link io.jnerd.mounts.MountPlan}). Mount syscalls themselves run only in
 * {@link io.jnerd.mounts.RroHelper}, a separate process. The decision record (runtime rro,
 * jnerd's hook, why not a staged tree) is mounts/README.md.
 */
package io.jnerd.mounts;
