package io.jnerd.seccomp.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The OCI runtime spec's {@code linux.seccomp} object (plus docker's {@code archMap}),
 * as runc and crun read it. Read and write it with {@link ProfileJson}; check it with
 * {@link ProfileValidator}; compile it with {@link ProfileCompiler}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SeccompProfile(
        String defaultAction,
        Integer defaultErrnoRet,
        List<String> architectures,
        List<ArchMapEntry> archMap,
        List<String> flags,
        String listenerPath,
        String listenerMetadata,
        List<SyscallEntry> syscalls) {

    public SeccompProfile {
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        archMap = archMap == null ? List.of() : List.copyOf(archMap);
        flags = flags == null ? List.of() : List.copyOf(flags);
        syscalls = syscalls == null ? List.of() : List.copyOf(syscalls);
    }

    public SeccompProfile withArchitectures(List<String> newArchitectures) {
        return new SeccompProfile(defaultAction, defaultErrnoRet, newArchitectures, List.of(), flags, listenerPath,
                listenerMetadata, syscalls);
    }

    public SeccompProfile withSyscalls(List<SyscallEntry> newSyscalls) {
        return new SeccompProfile(defaultAction, defaultErrnoRet, architectures, archMap, flags, listenerPath,
                listenerMetadata, newSyscalls);
    }

    public SeccompProfile withListener(String path, String metadata) {
        return new SeccompProfile(defaultAction, defaultErrnoRet, architectures, archMap, flags, path, metadata,
                syscalls);
    }
}
