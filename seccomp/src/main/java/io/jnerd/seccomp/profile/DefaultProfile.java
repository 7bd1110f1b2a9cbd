package io.jnerd.seccomp.profile;

import io.jnerd.nativebindings.Arch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * jnerd's default profile (resource {@code default-profile.json}): docker's default profile as
 * moby's profiles module seccomp/v0.2.3 states it (docker 29.7.2), resolved for a container's
 * capabilities. Everything no rule allows fails with EPERM; clone may not create namespaces
 * and clone3 returns ENOSYS unless CAP_SYS_ADMIN; personality only to the usual personas;
 * socket anything but AF_ALG and AF_VSOCK; io_uring not at all.
 */
public final class DefaultProfile {

    private static final String RESOURCE = "default-profile.json";
    private static final SeccompProfile CONDITIONAL = load();

    private DefaultProfile() {}

    /** The default profile for a container of the native architecture with the default capabilities. */
    public static SeccompProfile get() {
        return get(ProfileContext.defaults());
    }

    /**
     * The default profile for a container of the native architecture with the capabilities of
     * {@code context}: --cap-add widens it as docker's does (e.g. CAP_SYS_PTRACE allows kcmp,
     * CAP_SYS_ADMIN mount and clone3).
     */
    public static SeccompProfile get(ProfileContext context) {
        return forArch(Arch.current(), context);
    }

    /**
     * The default profile for {@code arch}, listing its 32-bit compat architectures the way
     * docker's archMap does (x86_64: x86 and x32; aarch64: arm).
     */
    public static SeccompProfile forArch(Arch arch, ProfileContext context) {
        List<String> arches = arch == Arch.X86_64
                ? List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")
                : List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
        return ProfileResolver.resolve(CONDITIONAL.withArchitectures(arches), arch, context);
    }

    /** The profile with its conditions, as the resource states it. */
    static SeccompProfile conditional() {
        return CONDITIONAL;
    }

    private static SeccompProfile load() {
        try (InputStream in = DefaultProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the jnerd-seccomp jar");
            }
            return ProfileValidator.validate(ProfileJson.readCommented(in, "default seccomp profile"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the default seccomp profile", e);
        }
    }
}
