package io.jnerd.netns.bypassd;

import java.util.List;

/**
 * bypass4netnsd's BypassStatus. {@code pid} is the process serving the bypass: bypass4netnsd
 * starts one bypass4netns process per container, jnerd serves them all in the daemon.
 * {@code notSwitched} is jnerd's: what the bypass leaves unswitched because the container's
 * seccomp filter does not notify what guarding it would need, one line each (empty until a
 * container arrived; null from bypass4netnsd, whose clients ignore fields they do not know).
 */
public record BypassStatus(String id, long pid, BypassSpec spec, List<String> notSwitched) {}
