package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Tars;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Openat2;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * docker cp inside a container: the stat of a path, a tar of it, a tar extracted into a
 * directory — for a running container and for one that is not (see {@link ContainerRoot}).
 *
 * <p>The container owns everything below its root and may change it while jnerd works
 * (as root, in rootful mode). So no path is ever resolved by the daemon's own lookup: a
 * parent directory is opened with openat2 RESOLVE_IN_ROOT (symlinks resolve inside the
 * container, as docker cp resolves them), and the last component is then reached only as
 * {@code /proc/self/fd/DIR/NAME} with no symlink followed (O_NOFOLLOW semantics, O_EXCL
 * creation, RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS reopens). Modes and times are set through
 * an O_PATH fd of the very file, never by a path. Regular files are opened non-blocking and
 * checked regular before reading, so a FIFO swapped in cannot hold a reader.
 */
public final class ContainerArchive {
    /** Deeper trees are refused: each level holds a directory fd while it is walked. */
    static final int MAX_DEPTH = 256;
    /** Symlink hops when the stat follows a link for its target, as the kernel's own limit. */
    private static final int MAX_HOPS = 40;
    private static final long IN_ROOT = Openat2.RESOLVE_IN_ROOT | Openat2.RESOLVE_NO_MAGICLINKS;
    private static final long BENEATH_NO_LINKS = Openat2.RESOLVE_BENEATH | Openat2.RESOLVE_NO_SYMLINKS
            | Openat2.RESOLVE_NO_MAGICLINKS;
    private static final int DIR_PATH = OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC;

    /** A path in the container that is not there. */
    public static final class NoSuchPath extends JnerdException {
        private static final long serialVersionUID = 1L;
        private final String path;

        NoSuchPath(String path, String container) {
            super(1, "Could not find the file " + path + " in container " + container, null);
            this.path = path;
        }

        /** The missing path, for a message that names the container as its user did. */
        public String path() {
            return path;
        }
    }

    /**
     * What docker's {@code X-Docker-Container-Path-Stat} carries.
     *
     * @param mode st_mode: file type and permission bits
     * @param linkTarget for a symlink, the path it leads to in the container; else ""
     */
    public record PathStat(String name, long size, int mode, Instant mtime, String linkTarget) {
        public boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }
    }

    private final Containerd containerd;
    private final Path scratch;

    /** @param stateRoot jnerd's state dir: a snapshot is mounted under it for a moment */
    public ContainerArchive(Containerd containerd, Path stateRoot) {
        this.containerd = containerd;
        this.scratch = stateRoot.resolve("tmp");
    }

    /** lstat of {@code path} (absolute, in the container). */
    public PathStat stat(Container c, String path) throws IOException {
        try (ContainerRoot root = ContainerRoot.open(containerd, c, scratch)) {
            String clean = clean(path);
            Entry e = Entry.open(root, clean, c.getId());
            try (e) {
                Map<String, Object> a = e.attributes();
                int mode = (Integer) a.get("mode");
                String link = "";
                if ((mode & 0170000) == 0120000) {
                    link = linkTarget(root, clean);
                }
                return new PathStat(clean.equals("/") ? "/" : e.name, (Long) a.get("size"), mode,
                        ((FileTime) a.get("lastModifiedTime")).toInstant(), link);
            }
        }
    }

    /**
     * A tar of {@code path} to {@code out}, its members named from the path's last component
     * ("dir/", "dir/file"), as moby rebases them. Below the path the walk stays on one file
     * system (a running container's /proc, /sys and /dev are not copied along).
     */
    public void writeTar(Container c, String path, OutputStream out) throws IOException {
        try (ContainerRoot root = ContainerRoot.open(containerd, c, scratch)) {
            String clean = clean(path);
            Entry e = Entry.open(root, clean, c.getId());
            try (e; TarArchiveOutputStream tar = Tars.writer(new NonClosing(out))) {
                String base = clean.equals("/") ? "." : e.name;
                long device = ((Number) e.attributes().get("dev")).longValue();
                add(tar, e.dir, e.name, base, device, 0);
                tar.finish();
            }
        }
    }

    /**
     * Extracts {@code tar} into the directory {@code dir} of the container. Member names must
     * stay below it; symlinks on the way resolve inside the container; what is there is
     * replaced, except a directory by a non-directory.
     */
    public void extract(Container c, String dir, InputStream tar) throws IOException {
        try (ContainerRoot root = ContainerRoot.open(containerd, c, scratch)) {
            String clean = clean(dir);
            try (Fd d = openDir(root.fd(), clean)) {
                // there, and a directory once symlinks resolved in the container
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) {
                    throw new NoSuchPath(clean, c.getId());
                }
                if (e.errno() == Errno.ENOTDIR) {
                    throw new JnerdException(1, "extraction point " + clean + " is not a directory", null);
                }
                throw e;
            }
            TarArchiveInputStream in = Tars.reader(tar);
            for (TarArchiveEntry m; (m = Tars.next(in)) != null; ) {
                String name = memberName(m.getName());
                if (name.isEmpty()) {
                    continue;
                }
                int slash = name.lastIndexOf('/');
                String base = name.substring(slash + 1);
                try (Fd p = openOrMakeDir(root.fd(), clean, slash < 0 ? "" : name.substring(0, slash), 0)) {
                    put(root, p, base, m, in, clean);
                }
            }
        }
    }

    private void put(ContainerRoot root, Fd parent, String base, TarArchiveEntry m, InputStream data, String dest)
            throws IOException {
        Path target = child(parent, base);
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        boolean isDir = exists && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (m.isDirectory()) {
            if (exists && !isDir) {
                Files.delete(target);
            }
            if (!isDir) {
                Files.createDirectory(target);
            }
            setModeAndTime(parent, base, m, OpenFlags.O_DIRECTORY);
            return;
        }
        if (isDir) {
            throw new JnerdException(1, "cannot overwrite directory " + dest + "/" + memberName(m.getName())
                    + " with non-directory", null);
        }
        if (exists) {
            Files.delete(target);
        }
        if (m.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(m.getLinkName()));
        } else if (m.isLink()) {
            String source = memberName(m.getLinkName());
            int slash = source.lastIndexOf('/');
            try (Fd sourceDir = openDir(root.fd(), join(dest, slash < 0 ? "" : source.substring(0, slash)))) {
                Files.createLink(target, child(sourceDir, source.substring(slash + 1)));
            }
        } else if (Tars.isRegularFile(m)) {
            // O_CREAT|O_EXCL: never through a symlink, never onto something that appeared meanwhile.
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                data.transferTo(out);
            }
            setModeAndTime(parent, base, m, 0);
        }
        // Devices, FIFOs and sockets are not made: docker cp is for files.
    }

    /**
     * The directory {@code rel} below the extraction point, made (0755) where a member's
     * parents are not in the archive, as tar and moby do (Testcontainers sends "dir/file"
     * alone). Each one made is reopened without following a link: one that raced in fails.
     */
    private static Fd openOrMakeDir(Fd root, String dest, String rel, int depth) throws IOException {
        try {
            return openDir(root, join(dest, rel));
        } catch (SyscallException e) {
            if (e.errno() != Errno.ENOENT || rel.isEmpty() || depth > MAX_DEPTH) {
                throw e;
            }
        }
        int slash = rel.lastIndexOf('/');
        String name = rel.substring(slash + 1);
        try (Fd parent = openOrMakeDir(root, dest, slash < 0 ? "" : rel.substring(0, slash), depth + 1)) {
            try {
                Files.createDirectory(child(parent, name));
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile: the reopen below decides whether it is a directory
            }
            return Openat2.open(parent, bytes(name), DIR_PATH, BENEATH_NO_LINKS);
        }
    }

    /** Through an O_PATH fd of the member itself, opened without following a link: never another file. */
    private static void setModeAndTime(Fd parent, String base, TarArchiveEntry m, int flags) throws IOException {
        try (Fd f = Openat2.open(parent, bytes(base), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC | flags,
                BENEATH_NO_LINKS)) {
            Path p = fdPath(f);
            Files.setAttribute(p, "unix:mode", m.getMode() & 07777);
            Files.setLastModifiedTime(p, FileTime.from(m.getModTime().toInstant()));
        }
    }

    private void add(TarArchiveOutputStream tar, Fd dir, String name, String memberName, long device, int depth)
            throws IOException {
        if (depth > MAX_DEPTH) {
            throw new JnerdException(1, "directory tree deeper than " + MAX_DEPTH + " levels at " + memberName, null);
        }
        Path p = name.equals(".") ? fdPath(dir) : child(dir, name);
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,dev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        TarArchiveEntry e;
        if (type == 0040000) {
            e = new TarArchiveEntry(memberName + "/", TarConstants.LF_DIR);
        } else if (type == 0120000) {
            e = new TarArchiveEntry(memberName, TarConstants.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (type == 0100000) {
            addFile(tar, dir, name, memberName, a);
            return;
        } else {
            return;
        }
        e.setMode(mode & 07777);
        e.setIds((Integer) a.get("uid"), (Integer) a.get("gid"));
        e.setModTime(wholeSeconds((FileTime) a.get("lastModifiedTime")));
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        if (type != 0040000 || ((Number) a.get("dev")).longValue() != device && depth > 0) {
            return;
        }
        try (Fd sub = name.equals(".") ? Openat2.open(dir, bytes("."), DIR_PATH, BENEATH_NO_LINKS)
                : Openat2.open(dir, bytes(name), DIR_PATH, BENEATH_NO_LINKS)) {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(fdPath(sub))) {
                ds.forEach(child -> names.add(child.getFileName().toString()));
            }
            Collections.sort(names);
            for (String n : names) {
                add(tar, sub, n, memberName + "/" + n, device, depth + 1);
            }
        } catch (SyscallException e2) {
            if (e2.errno() != Errno.ELOOP && e2.errno() != Errno.ENOENT && e2.errno() != Errno.ENOTDIR) {
                throw e2;
            }
            // Replaced by a link or removed while walked: what the container did meanwhile.
        }
    }

    /**
     * A regular file, opened non-blocking without following a link and checked to be a
     * regular file still; exactly the size it had then (zeros when it shrank meanwhile).
     */
    private static void addFile(TarArchiveOutputStream tar, Fd dir, String name, String memberName,
            Map<String, Object> a) throws IOException {
        Fd f;
        try {
            f = Openat2.open(dir, bytes(name), OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC,
                    BENEATH_NO_LINKS);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ELOOP || e.errno() == Errno.ENOENT) {
                return;
            }
            throw e;
        }
        try (f) {
            Path p = fdPath(f);
            Map<String, Object> now = Files.readAttributes(p, "unix:mode,size");
            if (((Integer) now.get("mode") & 0170000) != 0100000) {
                return;
            }
            long size = (Long) now.get("size");
            TarArchiveEntry e = new TarArchiveEntry(memberName, TarConstants.LF_NORMAL);
            e.setMode((Integer) now.get("mode") & 07777);
            e.setIds((Integer) a.get("uid"), (Integer) a.get("gid"));
            e.setModTime(wholeSeconds((FileTime) a.get("lastModifiedTime")));
            e.setSize(size);
            tar.putArchiveEntry(e);
            try (InputStream in = Files.newInputStream(p)) {
                long left = size;
                byte[] buf = new byte[64 * 1024];
                for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0; left -= n) {
                    tar.write(buf, 0, n);
                }
                Arrays.fill(buf, (byte) 0);
                for (; left > 0; left -= Math.min(buf.length, left)) {
                    tar.write(buf, 0, (int) Math.min(buf.length, left));
                }
            }
            tar.closeArchiveEntry();
        }
    }

    /**
     * Where a symlink leads, followed hop by hop by its text (absolute ones from the
     * container's root), as docker cp shows it; the path as far as it resolved.
     */
    private static String linkTarget(ContainerRoot root, String path) throws IOException {
        String current = path;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            int slash = current.lastIndexOf('/');
            String parent = slash <= 0 ? "/" : current.substring(0, slash);
            String name = current.substring(slash + 1);
            if (name.isEmpty()) {
                return current;
            }
            try (Fd dir = openDir(root.fd(), parent)) {
                Path p = child(dir, name);
                if (!Files.isSymbolicLink(p)) {
                    return current;
                }
                String text = Files.readSymbolicLink(p).toString();
                current = clean(text.startsWith("/") ? text : parent + "/" + text);
            } catch (SyscallException | NoSuchFileException e) {
                return current;
            }
        }
        return current;
    }

    /** A path's parent opened in the container's root, and its last component. */
    private static final class Entry implements AutoCloseable {
        final Fd dir;
        final String name;

        private Entry(Fd dir, String name) {
            this.dir = dir;
            this.name = name;
        }

        static Entry open(ContainerRoot root, String clean, String container) throws IOException {
            int slash = clean.lastIndexOf('/');
            String parent = slash <= 0 ? "/" : clean.substring(0, slash);
            String name = clean.equals("/") ? "." : clean.substring(slash + 1);
            Fd dir;
            try {
                dir = openDir(root.fd(), parent);
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
                    throw new NoSuchPath(clean, container);
                }
                throw e;
            }
            Entry e = new Entry(dir, name);
            if (!name.equals(".") && !Files.exists(child(dir, name), LinkOption.NOFOLLOW_LINKS)) {
                e.close();
                throw new NoSuchPath(clean, container);
            }
            return e;
        }

        /** lstat of the entry (of the directory itself for "/"). */
        Map<String, Object> attributes() throws IOException {
            String what = "unix:mode,size,lastModifiedTime,dev";
            return name.equals(".") ? Files.readAttributes(fdPath(dir), what)
                    : Files.readAttributes(child(dir, name), what, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public void close() {
            dir.close();
        }
    }

    /**
     * A member's mtime in whole seconds, as the ustar header holds it: a fraction would make
     * Commons Compress add a PAX header to each member.
     */
    static long wholeSeconds(FileTime t) {
        return t.to(TimeUnit.SECONDS) * 1000;
    }

    private static Fd openDir(Fd root, String path) throws SyscallException {
        return Openat2.open(root, bytes(path), DIR_PATH, IN_ROOT);
    }

    /** {@code NAME} in the directory {@code dir} holds: one component, reached through the fd. */
    private static Path child(Fd dir, String name) {
        return fdPath(dir).resolve(name);
    }

    private static Path fdPath(Fd fd) {
        return Path.of("/proc/self/fd/" + fd.get());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** An absolute, normalised container path; ".." cannot climb above "/". */
    static String clean(String path) {
        if (path == null || path.isEmpty()) {
            throw new JnerdException(1, "a path in the container is required", null);
        }
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(s);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** A member's name relative to the extraction point; one that climbs out of it is refused. */
    static String memberName(String name) {
        List<String> parts = new ArrayList<>();
        for (String s : name.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                throw new JnerdException(1, "tar member " + name + " leads out of the extraction point", null);
            }
            parts.add(s);
        }
        return String.join("/", parts);
    }

    private static String join(String dir, String rel) {
        return rel.isEmpty() ? dir : dir.equals("/") ? "/" + rel : dir + "/" + rel;
    }

    /** The caller's stream stays open: the tar is one part of what it writes. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
