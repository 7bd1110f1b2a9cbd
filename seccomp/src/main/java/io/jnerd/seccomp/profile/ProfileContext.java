package io.jnerd.seccomp.profile;

import java.util.Collection;
import java.util.Set;

/**
 * What docker's {@code includes}/{@code excludes} are resolved against: the container's
 * capabilities and the kernel version.
 */
public record ProfileContext(Set<String> capabilities, String kernelVersion) {

    /** The capabilities docker and containerd give a container by default. */
    public static final Set<String> DEFAULT_CAPABILITIES = Set.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    public ProfileContext {
        capabilities = Set.copyOf(capabilities);
    }

    /** Default capabilities on the running kernel. */
    public static ProfileContext defaults() {
        return forCapabilities(DEFAULT_CAPABILITIES);
    }

    /** A container with these capabilities (its bounding set, as docker reads it) on the running kernel. */
    public static ProfileContext forCapabilities(Collection<String> capabilities) {
        return new ProfileContext(Set.copyOf(capabilities), System.getProperty("os.version", "0"));
    }

    /** Whether the kernel is at least {@code minKernel} ("4.8"); compares major, then minor. */
    public boolean kernelAtLeast(String minKernel) {
        int[] have = majorMinor(kernelVersion);
        int[] need = majorMinor(minKernel);
        return have[0] != need[0] ? have[0] > need[0] : have[1] >= need[1];
    }

    private static int[] majorMinor(String version) {
        String[] parts = version.split("[^0-9]+", 3);
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
        } catch (NumberFormatException e) {
            throw new InvalidProfileException("not a kernel version: \"" + version + "\"");
        }
    }
}
