/**
 * OCI {@code linux.seccomp} profiles: the model and its JSON, validation, translation to a BPF
 * filter with runc's semantics, jnerd's default profile and the notify translator.
 */
package io.jnerd.seccomp.profile;
