/**
 * Classic-BPF seccomp filters: {@link io.jnerd.seccomp.bpf.SeccompFilter} says what to do by
 * architecture, syscall number and 64-bit argument tests; {@link io.jnerd.seccomp.bpf.FilterCompiler}
 * turns it into a {@link io.jnerd.seccomp.bpf.BpfProgram} for {@code seccomp(2)}.
 */
package io.jnerd.seccomp.bpf;
