package io.jnerd.mounts;

import io.jnerd.nativebindings.MountApi;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Per-mount attributes that mount_setattr(2) (Linux 5.12) can set on a whole tree at once,
 * with their OCI option names ("rro", "rnosuid", …: runc >= 1.1, crun >= 1.4). The classic
 * {@code MS_REC|MS_REMOUNT|MS_RDONLY} changes only the top mount, which is why they exist.
 */
public enum RecursiveAttribute {
    RDONLY("rro", MountApi.MOUNT_ATTR_RDONLY),
    NOSUID("rnosuid", MountApi.MOUNT_ATTR_NOSUID),
    NODEV("rnodev", MountApi.MOUNT_ATTR_NODEV),
    NOEXEC("rnoexec", MountApi.MOUNT_ATTR_NOEXEC),
    NODIRATIME("rnodiratime", MountApi.MOUNT_ATTR_NODIRATIME),
    NOATIME("rnoatime", MountApi.MOUNT_ATTR_NOATIME),
    STRICTATIME("rstrictatime", MountApi.MOUNT_ATTR_STRICTATIME),
    RELATIME("rrelatime", MountApi.MOUNT_ATTR_RELATIME),
    /** Linux 5.14. */
    NOSYMFOLLOW("rnosymfollow", MountApi.MOUNT_ATTR_NOSYMFOLLOW);

    private final String ociOption;
    private final long bit;

    RecursiveAttribute(String ociOption, long bit) {
        this.ociOption = ociOption;
        this.bit = bit;
    }

    /** The OCI runtime spec mount option: "rro". */
    public String ociOption() {
        return ociOption;
    }

    /** The name the helper's {@code --attrs} takes: "rdonly". */
    public String helperName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private boolean isAccessTime() {
        return this == NOATIME || this == STRICTATIME || this == RELATIME;
    }

    public static Optional<RecursiveAttribute> byHelperName(String name) {
        for (RecursiveAttribute a : values()) {
            if (a.helperName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * The struct mount_attr that sets these attributes (and a propagation type, or none).
     * Access time is a field, not a flag: the kernel wants MOUNT_ATTR__ATIME cleared as a
     * whole when one of its values is set, and RELATIME is the value 0.
     */
    static MountApi.Attr toAttr(Collection<RecursiveAttribute> attributes, Propagation propagation) {
        long set = 0;
        long clear = 0;
        for (RecursiveAttribute a : attributes) {
            if (a.isAccessTime() && clear != 0) {
                throw new IllegalArgumentException("only one of noatime, strictatime, relatime can be set");
            }
            set |= a.bit;
            if (a.isAccessTime()) {
                clear |= MountApi.MOUNT_ATTR__ATIME;
            }
        }
        return new MountApi.Attr(set, clear, propagation == null ? 0 : propagation.type(), 0);
    }
}
