package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** An OCI platform (os/architecture[/variant]), and the host's. */
public final class Platform {
    private final String os;
    private final String architecture;
    private final String variant;

    public Platform(String os, String architecture, String variant) {
        this.os = os;
        this.architecture = architecture;
        this.variant = variant == null ? "" : variant;
    }

    public static Platform host() {
        return new Platform("linux", goArch(System.getProperty("os.arch")), "");
    }

    /** {@code linux/amd64}, {@code linux/arm64/v8}, or just {@code amd64} (linux implied). */
    public static Platform parse(String s) {
        String[] parts = s.trim().toLowerCase(Locale.ROOT).split("/");
        if (parts.length == 1 && !parts[0].isEmpty()) {
            return new Platform("linux", goArch(parts[0]), "");
        }
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("invalid platform: " + s + " (expected os/arch[/variant])");
        }
        return new Platform(parts[0], goArch(parts[1]), parts.length == 3 ? parts[2] : "");
    }

    /** Java's os.arch names to the GOARCH names OCI uses. */
    static String goArch(String arch) {
        switch (arch) {
            case "x86_64":
            case "amd64":
                return "amd64";
            case "aarch64":
            case "arm64":
                return "arm64";
            default:
                return arch;
        }
    }

    /** Whether an index entry's {@code platform} object is this platform (a missing variant matches any). */
    public boolean matches(JsonNode platform) {
        if (platform == null || platform.isMissingNode() || platform.isNull()) {
            return false;
        }
        if (!os.equals(platform.path("os").asText()) || !architecture.equals(platform.path("architecture").asText())) {
            return false;
        }
        String v = platform.path("variant").asText("");
        return variant.isEmpty() || v.isEmpty() || variant.equals(v);
    }

    public String os() {
        return os;
    }

    public String architecture() {
        return architecture;
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
