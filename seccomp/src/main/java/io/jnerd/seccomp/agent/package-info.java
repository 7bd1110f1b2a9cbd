/**
 * The seccomp agent socket runc and crun hand a container's listener fd to
 * ({@code listenerPath}).
 */
package io.jnerd.seccomp.agent;
