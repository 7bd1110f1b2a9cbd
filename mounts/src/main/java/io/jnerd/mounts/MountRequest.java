package io.jnerd.mounts;

import java.util.List;
import java.util.Objects;

/**
 * One parsed {@code -v} or {@code --mount}, before the runtime is known.
 *
 * @param type          "bind" or "tmpfs"
 * @param source        the host path of a bind; null for tmpfs
 * @param destination   the absolute path in the container
 * @param readOnly      how read-only
 * @param recursiveBind rbind (submounts included) or bind
 * @param propagation   for binds: the requested propagation, rprivate when none was given
 * @param tmpfsSize     tmpfs size in bytes, or null for the kernel's default
 * @param tmpfsMode     tmpfs root mode (octal 1777 = 01777), or null for the kernel's default
 * @param notes         things the user should be told (options accepted but ignored)
 */
public record MountRequest(String type, String source, String destination, ReadOnlyMode readOnly,
        boolean recursiveBind, Propagation propagation, Long tmpfsSize, Integer tmpfsMode, List<String> notes) {

    public static final String BIND = "bind";
    public static final String TMPFS = "tmpfs";

    public MountRequest {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(readOnly, "readOnly");
        notes = List.copyOf(notes);
    }

    /** A non-recursive bind has no submounts: read-only of its one mount is all there is. */
    static MountRequest bind(String source, String destination, ReadOnlyMode readOnly, boolean recursive,
            Propagation propagation, List<String> notes) {
        ReadOnlyMode mode = recursive || readOnly == ReadOnlyMode.WRITABLE ? readOnly : ReadOnlyMode.NON_RECURSIVE;
        return new MountRequest(BIND, source, destination, mode, recursive, propagation, null, null, notes);
    }

    static MountRequest tmpfs(String destination, boolean readOnly, Long size, Integer mode) {
        return new MountRequest(TMPFS, null, destination, readOnly ? ReadOnlyMode.NON_RECURSIVE : ReadOnlyMode.WRITABLE,
                false, null, size, mode, List.of());
    }
}
