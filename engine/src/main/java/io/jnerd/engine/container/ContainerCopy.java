package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Tars;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * {@code cp} between the host and a container, with docker cp's rules for the destination:
 * an existing directory receives the source under its own name; a path that does not exist
 * (in an existing directory) becomes the copy; a directory never replaces a file. The
 * container side is {@link ContainerArchive}'s; the tar goes through a file in jnerd's
 * scratch dir, removed afterwards.
 */
public final class ContainerCopy {
    private final ContainerArchive archive;
    private final Path scratch;

    /** @param stateRoot jnerd's state dir, for the tar in between */
    public ContainerCopy(ContainerArchive archive, Path stateRoot) {
        this.archive = archive;
        this.scratch = stateRoot.resolve("tmp");
    }

    /** {@code cp CONTAINER:SRC DEST}. */
    public void toHost(Container c, String src, Path dest) throws IOException {
        ContainerArchive.PathStat stat = archive.stat(c, src);
        Path into;
        String rename = null;
        if (Files.isDirectory(dest)) {
            into = dest;
        } else {
            if (stat.isDirectory() && Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                throw new JnerdException(1, "cannot copy a directory to a file: " + dest, null);
            }
            into = dest.toAbsolutePath().getParent();
            if (!Files.isDirectory(into)) {
                throw new JnerdException(1, "the destination directory " + into + " does not exist", null);
            }
            rename = dest.getFileName().toString();
        }
        Path tar = tempTar();
        try {
            try (OutputStream out = Files.newOutputStream(tar)) {
                archive.writeTar(c, src, out);
            }
            try (InputStream in = Files.newInputStream(tar)) {
                extractOnHost(Tars.reader(in), into, rename);
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /** {@code cp SRC CONTAINER:DEST}. */
    public void toContainer(Path src, Container c, String dest) throws IOException {
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
            throw new JnerdException(1, "no such file or directory: " + src, null);
        }
        String into = dest;
        String name = src.toAbsolutePath().normalize().getFileName().toString();
        boolean srcDir = Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS);
        ContainerArchive.PathStat target = null;
        try {
            target = archive.stat(c, dest);
        } catch (ContainerArchive.NoSuchPath absent) {
            // becomes the copy, in its parent
        }
        if (target == null || !target.isDirectory()) {
            if (target != null && srcDir) {
                throw new JnerdException(1, "cannot copy a directory to a file: " + dest, null);
            }
            String clean = ContainerArchive.clean(dest);
            int slash = clean.lastIndexOf('/');
            into = slash <= 0 ? "/" : clean.substring(0, slash);
            name = clean.substring(slash + 1);
        }
        Path tar = tempTar();
        try {
            try (TarArchiveOutputStream out = Tars.writer(Files.newOutputStream(tar))) {
                writeHostTar(out, src, name);
            }
            try (InputStream in = Files.newInputStream(tar)) {
                archive.extract(c, into, in);
            }
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    private Path tempTar() throws IOException {
        Files.createDirectories(scratch);
        return Files.createTempFile(scratch, "cp-", ".tar");
    }

    /** The host's tree under {@code root}, links kept as links, members named from {@code name}. */
    private static void writeHostTar(TarArchiveOutputStream tar, Path root, String name) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                add(dir, attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file, attrs);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p, BasicFileAttributes attrs) throws IOException {
                String rel = root.relativize(p).toString();
                String member = rel.isEmpty() ? name : name + "/" + rel;
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                TarArchiveEntry e;
                if (attrs.isDirectory()) {
                    e = new TarArchiveEntry(member + "/", TarConstants.LF_DIR);
                } else if (attrs.isSymbolicLink()) {
                    e = new TarArchiveEntry(member, TarConstants.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (attrs.isRegularFile()) {
                    e = new TarArchiveEntry(member, TarConstants.LF_NORMAL);
                    e.setSize(attrs.size());
                } else {
                    return;
                }
                e.setMode(mode);
                e.setModTime(ContainerArchive.wholeSeconds(attrs.lastModifiedTime()));
                tar.putArchiveEntry(e);
                if (attrs.isRegularFile()) {
                    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                        in.transferTo(tar);
                    }
                }
                tar.closeArchiveEntry();
            }
        });
    }

    /**
     * The container's tar into {@code into} on the host, its first component renamed to
     * {@code rename} when given. Members never climb out, and never pass through a symlink
     * the archive itself made.
     */
    private static void extractOnHost(TarArchiveInputStream tar, Path into, String rename) throws IOException {
        for (TarArchiveEntry m; (m = Tars.next(tar)) != null; ) {
            String name = ContainerArchive.memberName(m.getName());
            if (name.isEmpty()) {
                continue;
            }
            if (rename != null) {
                int slash = name.indexOf('/');
                name = slash < 0 ? rename : rename + name.substring(slash);
            }
            Path target = into.resolve(name);
            for (Path p = target.getParent(); !p.equals(into); p = p.getParent()) {
                if (Files.isSymbolicLink(p)) {
                    throw new JnerdException(1, "tar member " + m.getName() + " would pass through the symlink " + p,
                            null);
                }
            }
            if (m.isDirectory()) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(target);
                    Files.createDirectory(target);
                }
            } else {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new JnerdException(1, "cannot overwrite directory " + target + " with non-directory", null);
                }
                Files.deleteIfExists(target);
                if (m.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(m.getLinkName()));
                    continue;
                }
                if (!Tars.isRegularFile(m)) {
                    continue;
                }
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    tar.transferTo(out);
                }
            }
            try {
                Files.setAttribute(target, "unix:mode", m.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
                Files.setLastModifiedTime(target, FileTime.from(m.getModTime().toInstant()));
            } catch (NoSuchFileException gone) {
                // removed by someone else meanwhile
            }
        }
    }
}
