package io.jnerd.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {
    @TempDir
    Path tmp;

    private static byte[] sample() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream w = Tars.writer(out)) {
            Tars.add(w, Tars.directory("etc", 0755), null);
            Tars.add(w, Tars.file("etc/hello.txt", 6, 0644), "hello\n".getBytes(StandardCharsets.UTF_8));
            Tars.add(w, Tars.symlink("bin/sh", "busybox"), null);
            String longName = "deep/" + "d".repeat(90) + "/" + "f".repeat(160);
            Tars.add(w, Tars.file(longName, 3, 0600), new byte[] {1, 2, 3});
        }
        return out.toByteArray();
    }

    @Test
    void roundTripsFilesDirectoriesLinksAndLongNames() throws IOException {
        TarArchiveInputStream r = Tars.reader(new ByteArrayInputStream(sample()));
        TarArchiveEntry dir = Tars.next(r);
        assertEquals("etc", Tars.normalizedName(dir));
        assertTrue(dir.isDirectory());
        TarArchiveEntry file = Tars.next(r);
        assertEquals("etc/hello.txt", file.getName());
        assertEquals(0644, file.getMode());
        assertEquals(0, file.getLongUserId());
        assertEquals("", file.getUserName(), "no owner name: the same digest as any user");
        assertEquals(0, file.getLastModifiedTime().toMillis());
        assertEquals("hello\n", new String(r.readAllBytes(), StandardCharsets.UTF_8));
        TarArchiveEntry link = Tars.next(r);
        assertTrue(link.isSymbolicLink());
        assertEquals("busybox", link.getLinkName());
        TarArchiveEntry deep = Tars.next(r);
        assertEquals("deep/" + "d".repeat(90) + "/" + "f".repeat(160), deep.getName(), "longer than ustar's 255: PAX");
        assertArrayEquals(new byte[] {1, 2, 3}, r.readAllBytes());
        assertNull(Tars.next(r));
    }

    @Test
    void gnuTarReadsWhatJnerdWrites() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")), "needs GNU tar");
        Path archive = tmp.resolve("a.tar");
        Files.write(archive, sample());
        Process p = new ProcessBuilder("tar", "-tvf", archive.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), listing);
        assertEquals(4, listing.lines().count(), listing);
    }

    @Test
    void readsWhatGnuTarWritesIncludingPaxAndLongNames() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")), "needs GNU tar");
        Path src = tmp.resolve("src");
        String longName = "x".repeat(120);
        Files.createDirectories(src.resolve("sub"));
        Files.writeString(src.resolve("sub").resolve(longName), "long");
        for (String format : new String[] {"gnu", "pax"}) {
            Path archive = tmp.resolve(format + ".tar");
            Process p = new ProcessBuilder("tar", "--format=" + format, "-cf", archive.toString(), "-C", src.toString(), "sub")
                    .redirectErrorStream(true).start();
            p.waitFor(10, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue());
            TarArchiveInputStream r = Tars.reader(Files.newInputStream(archive));
            assertEquals("sub", Tars.normalizedName(Tars.next(r)));
            TarArchiveEntry e = Tars.next(r);
            assertEquals("sub/" + longName, e.getName(), format);
            assertEquals("long", new String(r.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void corruptHeaderIsRejected() throws IOException {
        byte[] tar = sample();
        tar[0] ^= 1;
        assertThrows(IOException.class, () -> Tars.next(Tars.reader(new ByteArrayInputStream(tar))));
    }
}
