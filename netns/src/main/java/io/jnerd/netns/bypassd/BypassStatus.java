package io.jnerd.netns.bypassd;

/**
 * bypass4netnsd's BypassStatus. {@code pid} is the process serving the bypass: bypass4netnsd
 * starts one bypass4netns process per container, jnerd serves them all in the daemon.
 */
public record BypassStatus(String id, long pid, BypassSpec spec) {}
