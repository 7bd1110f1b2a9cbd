package io.jnerd.mounts;

import io.jnerd.nativebindings.MountApi;
import java.util.Locale;
import java.util.Optional;

/** Mount propagation types, by their OCI / mount(8) option names. */
public enum Propagation {
    PRIVATE(MountApi.MS_PRIVATE, false),
    RPRIVATE(MountApi.MS_PRIVATE, true),
    SHARED(MountApi.MS_SHARED, false),
    RSHARED(MountApi.MS_SHARED, true),
    SLAVE(MountApi.MS_SLAVE, false),
    RSLAVE(MountApi.MS_SLAVE, true);

    private final long type;
    private final boolean recursive;

    Propagation(long type, boolean recursive) {
        this.type = type;
        this.recursive = recursive;
    }

    /** The option name: "rprivate". */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** MS_PRIVATE, MS_SHARED or MS_SLAVE: the value of struct mount_attr's propagation field. */
    long type() {
        return type;
    }

    /** Whether it applies to the whole tree below the mount too. */
    public boolean recursive() {
        return recursive;
    }

    public static Optional<Propagation> byOption(String option) {
        for (Propagation p : values()) {
            if (p.option().equals(option)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
