package io.jnerd.seccomp.profile;

import io.jnerd.nativebindings.Arch;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves docker's conditional rules ({@code includes}/{@code excludes}) and {@code archMap}
 * of a profile for one container, as dockerd does before it hands the profile to the runtime.
 * runc and crun do not know these fields: given an unresolved profile they would apply every
 * rule whatever its condition (mount, bpf and the like allowed without CAP_SYS_ADMIN).
 */
public final class ProfileResolver {

    private ProfileResolver() {}

    /**
     * The profile a runtime can load: the rules whose conditions hold for {@code context} on
     * {@code nativeArch}, without their conditions, and the architectures of {@code archMap}'s
     * entry for {@code nativeArch} unless the profile lists architectures itself.
     */
    public static SeccompProfile resolve(SeccompProfile profile, Arch nativeArch, ProfileContext context) {
        ProfileValidator.validate(profile);
        if (!profile.architectures().isEmpty() && !profile.archMap().isEmpty()) {
            throw new InvalidProfileException("seccomp profile: both architectures and archMap are set; use one");
        }
        List<SyscallEntry> kept = new ArrayList<>();
        for (SyscallEntry entry : profile.syscalls()) {
            if (applies(entry, nativeArch.ociPlatform(), context)) {
                kept.add(entry.withoutConditions());
            }
        }
        return profile.withArchitectures(architectures(profile, nativeArch)).withSyscalls(kept);
    }

    /** The listed architectures, or else those of the archMap entry for {@code nativeArch} with its compat ones. */
    static List<String> architectures(SeccompProfile profile, Arch nativeArch) {
        if (!profile.architectures().isEmpty()) {
            return profile.architectures();
        }
        List<String> names = new ArrayList<>();
        for (ArchMapEntry e : profile.archMap()) {
            if (OciNames.compiledArch(e.architecture()).orElse(null) == nativeArch) {
                names.add(e.architecture());
                names.addAll(e.subArchitectures());
            }
        }
        return names;
    }

    /**
     * docker's rule: {@code includes} needs every listed capability, the platform among the
     * listed arches and at least minKernel; {@code excludes} drops the rule on any listed
     * capability, a listed arch, or a kernel at least minKernel.
     *
     * @param platform the architecture in docker's spelling (amd64, arm64)
     */
    static boolean applies(SyscallEntry entry, String platform, ProfileContext context) {
        RuleCondition in = entry.includes();
        if (in != null) {
            if (!context.capabilities().containsAll(in.caps())) {
                return false;
            }
            if (!in.arches().isEmpty() && !in.arches().contains(platform)) {
                return false;
            }
            if (in.minKernel() != null && !context.kernelAtLeast(in.minKernel())) {
                return false;
            }
        }
        RuleCondition ex = entry.excludes();
        if (ex != null) {
            if (ex.caps().stream().anyMatch(context.capabilities()::contains)) {
                return false;
            }
            if (ex.arches().contains(platform)) {
                return false;
            }
            if (ex.minKernel() != null && context.kernelAtLeast(ex.minKernel())) {
                return false;
            }
        }
        return true;
    }
}
