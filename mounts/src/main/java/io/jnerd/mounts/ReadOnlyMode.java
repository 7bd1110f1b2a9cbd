package io.jnerd.mounts;

/** How read-only a bind mount is asked to be, with Docker 25's meaning. */
public enum ReadOnlyMode {
    /** rw. */
    WRITABLE,
    /** The top mount only; submounts stay writable (before Docker 25: "ro"; now bind-recursive=writable). */
    NON_RECURSIVE,
    /** Every mount in the tree when runtime and kernel can, else the top mount with a warning ("ro", "readonly"). */
    RECURSIVE_IF_POSSIBLE,
    /** Every mount in the tree, or fail ("rro", bind-recursive=readonly). */
    RECURSIVE
}
