package io.jnerd.seccomp.profile;

import java.util.List;

/** docker's {@code archMap}: a native architecture and the compat ones allowed with it. */
public record ArchMapEntry(String architecture, List<String> subArchitectures) {

    public ArchMapEntry {
        subArchitectures = subArchitectures == null ? List.of() : List.copyOf(subArchitectures);
    }
}
