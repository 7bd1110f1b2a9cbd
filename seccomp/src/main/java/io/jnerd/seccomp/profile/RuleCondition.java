package io.jnerd.seccomp.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * docker's {@code includes} / {@code excludes} of a syscall rule: capabilities, architectures
 * (GOARCH spelling: amd64, arm64, x86, ...) and a minimum kernel ("4.8").
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RuleCondition(List<String> caps, List<String> arches, String minKernel) {

    public RuleCondition {
        caps = caps == null ? List.of() : List.copyOf(caps);
        arches = arches == null ? List.of() : List.copyOf(arches);
    }
}
