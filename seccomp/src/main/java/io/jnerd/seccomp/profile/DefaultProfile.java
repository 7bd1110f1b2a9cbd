package io.jnerd.seccomp.profile;

import io.jnerd.nativebindings.Arch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * jnerd's default profile (resource {@code default-profile.json}): the same effect as docker's
 * and containerd's default allow-list with the default capabilities (see
 * {@link ProfileContext#DEFAULT_CAPABILITIES}) resolved in: everything else fails with EPERM,
 * clone may not create namespaces, clone3 returns ENOSYS, personality only to the usual
 * personas, socket anything but AF_VSOCK.
 */
public final class DefaultProfile {

    private static final String RESOURCE = "default-profile.json";
    private static final SeccompProfile PROFILE = load();

    private DefaultProfile() {}

    /** The default profile for containers of the native architecture. */
    public static SeccompProfile get() {
        return forArch(Arch.current());
    }

    /**
     * The default profile for {@code arch}, listing its 32-bit compat architectures the way
     * docker's archMap does (x86_64: x86 and x32; aarch64: arm).
     */
    public static SeccompProfile forArch(Arch arch) {
        List<String> arches = arch == Arch.X86_64
                ? List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")
                : List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
        return PROFILE.withArchitectures(arches);
    }

    private static SeccompProfile load() {
        try (InputStream in = DefaultProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the jnerd-seccomp jar");
            }
            return ProfileValidator.validate(ProfileJson.read(in, "default seccomp profile"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the default seccomp profile", e);
        }
    }
}
