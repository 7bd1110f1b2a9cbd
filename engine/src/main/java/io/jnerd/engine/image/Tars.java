package io.jnerd.engine.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Tar as jnerd reads and writes it, on Apache Commons Compress. Members jnerd writes are
 * owned by root (0:0, no owner names) with mtime 0, so the same input gives the same layer
 * digest on any host and as any user; names too long for ustar get PAX headers.
 */
public final class Tars {
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private Tars() {}

    /** A reader of every format registries, docker save, skopeo and GNU tar write; a corrupt header is an IOException. */
    public static TarArchiveInputStream reader(InputStream in) {
        return new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
    }

    /**
     * The next member, or null at the end of the archive. A header whose checksum is wrong
     * (corruption, garbage) is an IOException, as GNU tar treats it: Commons Compress reads
     * such a header on and only records the mismatch.
     */
    public static TarArchiveEntry next(TarArchiveInputStream tar) throws IOException {
        TarArchiveEntry entry = tar.getNextEntry();
        if (entry != null && !entry.isCheckSumOK()) {
            throw new IOException("tar: corrupt header (bad checksum) for member " + entry.getName());
        }
        return entry;
    }

    /** A ustar writer, PAX for long names and big numbers. Closing it finishes the archive and closes {@code out}. */
    public static TarArchiveOutputStream writer(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    public static TarArchiveEntry file(String name, long size, int mode) {
        TarArchiveEntry e = owned(new TarArchiveEntry(name, TarConstants.LF_NORMAL), mode);
        e.setSize(size);
        return e;
    }

    public static TarArchiveEntry directory(String name, int mode) {
        return owned(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR), mode);
    }

    public static TarArchiveEntry symlink(String name, String target) {
        TarArchiveEntry e = owned(new TarArchiveEntry(name, TarConstants.LF_SYMLINK), 0777);
        e.setLinkName(target);
        return e;
    }

    /** Writes {@code entry} and, for a file, {@code content} (exactly its size). */
    public static void add(TarArchiveOutputStream tar, TarArchiveEntry entry, byte[] content) throws IOException {
        tar.putArchiveEntry(entry);
        if (isRegularFile(entry)) {
            if (content.length != entry.getSize()) {
                throw new IOException("tar entry " + entry.getName() + ": expected " + entry.getSize() + " bytes, got "
                        + content.length);
            }
            new ByteArrayInputStream(content).transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    /**
     * A regular file's member ('0', or NUL from pre-POSIX tar). Not Commons Compress's
     * {@code isFile()}, which is also true for symlinks, devices and fifos.
     */
    public static boolean isRegularFile(TarArchiveEntry entry) {
        return entry.getLinkFlag() == TarConstants.LF_NORMAL || entry.getLinkFlag() == TarConstants.LF_OLDNORM;
    }

    /** The member's name without a leading "./" or "/" and without a trailing "/", as layers are compared. */
    public static String normalizedName(TarArchiveEntry entry) {
        String n = entry.getName();
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

    /** Permission bits only in the header, as GNU tar writes them; owner root, no names, mtime 0. */
    private static TarArchiveEntry owned(TarArchiveEntry e, int mode) {
        e.setMode(mode & 07777);
        e.setIds(0, 0);
        e.setUserName("");
        e.setGroupName("");
        e.setLastModifiedTime(EPOCH);
        return e;
    }
}
