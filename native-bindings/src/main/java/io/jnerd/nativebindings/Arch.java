package io.jnerd.nativebindings;

import java.util.Locale;

/** The CPU architectures jnerd has syscall tables for, with their seccomp AUDIT_ARCH values. */
public enum Arch {
    // AUDIT_ARCH_* from linux/audit.h: EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
    X86_64("x86_64", 0xC000003E, "amd64"),
    AARCH64("aarch64", 0xC00000B7, "arm64");

    private final String kernelName;
    private final int auditArch;
    private final String ociPlatform;

    Arch(String kernelName, int auditArch, String ociPlatform) {
        this.kernelName = kernelName;
        this.auditArch = auditArch;
        this.ociPlatform = ociPlatform;
    }

    /** The architecture this JVM runs on. */
    public static Arch current() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (a) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return AARCH64;
            default:
                throw new UnsupportedOperationException("unsupported architecture " + a
                        + ": jnerd has syscall tables for x86_64 and aarch64");
        }
    }

    /** uname -m spelling. */
    public String kernelName() {
        return kernelName;
    }

    /** seccomp_data.arch for this architecture. */
    public int auditArch() {
        return auditArch;
    }

    /** OCI / Go spelling (GOARCH), used for image platforms. */
    public String ociPlatform() {
        return ociPlatform;
    }
}
