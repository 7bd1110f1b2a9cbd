package io.jnerd.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {
    @TempDir
    Path tmp;

    private static byte[] sample() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            w.addDirectory("etc", 0755);
            w.add(TarEntry.file("etc/hello.txt", 6, 0644), "hello\n".getBytes(StandardCharsets.UTF_8));
            w.add(TarEntry.symlink("bin/sh", "busybox"), new byte[0]);
            String longName = "deep/" + "d".repeat(90) + "/" + "f".repeat(60);
            w.add(TarEntry.file(longName, 3, 0600), new byte[] {1, 2, 3});
        }
        return out.toByteArray();
    }

    @Test
    void roundTripsFilesDirectoriesLinksAndLongNames() throws IOException {
        TarReader r = new TarReader(new ByteArrayInputStream(sample()));
        TarEntry dir = r.next();
        assertEquals("etc", dir.normalizedName());
        assertEquals(TarEntry.DIRECTORY, dir.type());
        TarEntry file = r.next();
        assertEquals("etc/hello.txt", file.name());
        assertEquals(0644, file.mode());
        assertEquals("hello\n", new String(r.content().readAllBytes(), StandardCharsets.UTF_8));
        TarEntry link = r.next();
        assertEquals(TarEntry.SYMLINK, link.type());
        assertEquals("busybox", link.linkName());
        TarEntry deep = r.next();
        assertEquals("deep/" + "d".repeat(90) + "/" + "f".repeat(60), deep.name());
        assertArrayEquals(new byte[] {1, 2, 3}, r.content().readAllBytes());
        assertNull(r.next());
    }

    @Test
    void gnuTarReadsWhatTarWriterWrites() throws Exception {
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
            TarReader r = new TarReader(Files.newInputStream(archive));
            assertEquals("sub", r.next().normalizedName());
            TarEntry e = r.next();
            assertEquals("sub/" + longName, e.name(), format);
            assertEquals("long", new String(r.content().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void corruptHeaderIsRejected() throws IOException {
        byte[] tar = sample();
        tar[0] ^= 1;
        assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(tar)).next());
    }
}
