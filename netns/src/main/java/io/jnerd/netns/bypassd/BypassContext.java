package io.jnerd.netns.bypassd;

import io.jnerd.netns.IgnoreRules;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything a bypass's agent and socket switcher need from the request: the ports to
 * publish, the ignore rules (with "auto" still unresolved: the container's subnets are
 * known once its init pid is), whether binds stay in the container, where to count, and
 * where to log (the spec's logFilePath, else the daemon's log).
 */
public record BypassContext(String id, List<PortSpec> ports, IgnoreRules ignoreRules, boolean ignoreBind,
        BypassCounters counters, Consumer<String> log) {}
