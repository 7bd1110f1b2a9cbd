/** seccomp: classic-BPF filter compiler, OCI seccomp profiles, the agent socket and the notification supervisor. */
package io.jnerd.seccomp;
