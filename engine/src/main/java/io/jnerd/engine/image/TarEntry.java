package io.jnerd.engine.image;

/** One member of a tar archive, as {@link TarReader} reports it and {@link TarWriter} takes it. */
public final class TarEntry {
    public static final char FILE = '0';
    public static final char HARDLINK = '1';
    public static final char SYMLINK = '2';
    public static final char DIRECTORY = '5';

    private final String name;
    private final char type;
    private final long size;
    private final int mode;
    private final String linkName;

    public TarEntry(String name, char type, long size, int mode, String linkName) {
        this.name = name;
        this.type = type;
        this.size = size;
        this.mode = mode;
        this.linkName = linkName == null ? "" : linkName;
    }

    public static TarEntry file(String name, long size, int mode) {
        return new TarEntry(name, FILE, size, mode, null);
    }

    public static TarEntry directory(String name, int mode) {
        return new TarEntry(name.endsWith("/") ? name : name + "/", DIRECTORY, 0, mode, null);
    }

    public static TarEntry symlink(String name, String target) {
        return new TarEntry(name, SYMLINK, 0, 0777, target);
    }

    public String name() {
        return name;
    }

    public char type() {
        return type;
    }

    public long size() {
        return size;
    }

    public int mode() {
        return mode;
    }

    public String linkName() {
        return linkName;
    }

    public boolean isFile() {
        return type == FILE;
    }

    /** The name without a leading "./" or "/" and without a trailing "/". */
    public String normalizedName() {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
