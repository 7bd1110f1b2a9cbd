package io.jnerd.nativebindings;

/**
 * st_mode's file type bits (linux/stat.h) and the permission mask of access(2)
 * (unistd.h's W_OK and X_OK, equal to the kernel's MAY_WRITE and MAY_EXEC, which on a
 * directory is search). The same on every architecture.
 */
public final class FileMode {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFDIR = 0040000;
    static final int S_IFIFO = 0010000;

    /** Write permission, as a mask of the rwx bits. */
    public static final int W_OK = 2;
    /** Execute permission, on a directory: search. */
    public static final int X_OK = 1;

    private FileMode() {}

    public static boolean isSocket(int mode) {
        return (mode & S_IFMT) == S_IFSOCK;
    }

    public static boolean isDirectory(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }
}
