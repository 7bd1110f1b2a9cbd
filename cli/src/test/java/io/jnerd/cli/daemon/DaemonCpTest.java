package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docker cp and jnerd cp, both ways, into a running container and into one that is not
 * running (its snapshot), and a container's symlinks that point at the host's own paths:
 * they resolve inside the container, so the host is neither read nor written.
 */
@Tag("privileged")
class DaemonCpTest extends DaemonWithBox {
    @BeforeAll
    static void stopped() {
        daemon.run("--name", "exited", "--net", "none", TestImages.NAME, "sh", "-c",
                "echo in-snapshot > /tmp/made-before");
    }

    private static String exec(String... cmd) throws Exception {
        String[] args = new String[cmd.length + 2];
        args[0] = "exec";
        args[1] = "box";
        System.arraycopy(cmd, 0, args, 2, cmd.length);
        DockerCli.Result r = docker.run(Map.of(), args);
        assertEquals(0, r.exit(), r.toString());
        return r.out();
    }

    @Test
    void aFileAndADirectoryGoInAndComeBackOut() throws Exception {
        Path in = tmp.resolve("in/tree");
        Files.createDirectories(in.resolve("sub"));
        Files.writeString(in.resolve("file"), "top\n");
        Files.writeString(in.resolve("sub/deep"), "deep\n");
        Files.setPosixFilePermissions(in.resolve("sub/deep"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(in.resolve("link"), Path.of("sub/deep"));
        Path single = Files.writeString(tmp.resolve("in/single.txt"), "one file\n");

        DockerCli.Result file = docker.run(Map.of(), "cp", single.toString(), "box:/tmp/");
        assertEquals(0, file.exit(), file.toString());
        DockerCli.Result dir = docker.run(Map.of(), "cp", in.toString(), "box:/tmp/copied");
        assertEquals(0, dir.exit(), dir.toString());
        assertEquals("one file\ntop\ndeep\nsub/deep\n750\n", exec("sh", "-c", "cat /tmp/single.txt /tmp/copied/file"
                + " /tmp/copied/link; readlink /tmp/copied/link; stat -c %a /tmp/copied/sub/deep"));

        Path out = Files.createDirectories(tmp.resolve("out"));
        DockerCli.Result back = docker.run(Map.of(), "cp", "box:/tmp/copied", out.resolve("tree").toString());
        assertEquals(0, back.exit(), back.toString());
        assertEquals("deep\n", Files.readString(out.resolve("tree/sub/deep")));
        assertEquals(Path.of("sub/deep"), Files.readSymbolicLink(out.resolve("tree/link")));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("tree/sub/deep"))));
        DockerCli.Result etc = docker.run(Map.of(), "cp", "box:/etc/passwd", out.toString());
        assertEquals(0, etc.exit(), etc.toString());
        assertTrue(Files.readString(out.resolve("passwd")).startsWith("root:x:0:0:"), "the image's /etc/passwd");

        DockerCli.Result missing = docker.run(Map.of(), "cp", "box:/no/such", out.toString());
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("Could not find the file /no/such in container box"), missing.err());
    }

    @Test
    void aContainerThatIsNotRunningIsReadAndWrittenInItsSnapshotAndNothingStaysMounted() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("snapshot-out"));
        DockerCli.Result before = docker.run(Map.of(), "cp", "exited:/tmp/made-before", out.toString());
        assertEquals(0, before.exit(), before.toString());
        assertEquals("in-snapshot\n", Files.readString(out.resolve("made-before")));

        Path note = Files.writeString(tmp.resolve("note"), "put while stopped\n");
        DockerCli.Result put = docker.run(Map.of(), "cp", note.toString(), "exited:/etc/note");
        assertEquals(0, put.exit(), put.toString());
        DockerCli.Result read = docker.run(Map.of(), "cp", "exited:/etc/note", out.resolve("note-back").toString());
        assertEquals(0, read.exit(), read.toString());
        assertEquals("put while stopped\n", Files.readString(out.resolve("note-back")));
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(cli.stateDir().toString()),
                "no snapshot mount is left under jnerd's state dir");
    }

    @Test
    void symlinksToTheHostsPathsResolveInsideTheContainer() throws Exception {
        Path hostDir = Files.createDirectories(tmp.resolve("host-only"));
        Files.writeString(hostDir.resolve("secret"), "host secret\n");
        exec("sh", "-c", "ln -s " + hostDir + " /tmp/to-host; ln -s ../../../../../../.." + hostDir
                + "/secret /tmp/climb; ln -s /proc/1/root/etc /tmp/magic");

        Path payload = Files.writeString(tmp.resolve("payload"), "dropped\n");
        DockerCli.Result write = docker.run(Map.of(), "cp", payload.toString(), "box:/tmp/to-host/");
        assertNotEquals(0, write.exit(), write.toString());
        assertFalse(Files.exists(hostDir.resolve("payload")), "nothing is written into the host's directory");

        Path out = Files.createDirectories(tmp.resolve("escape-out"));
        DockerCli.Result through = docker.run(Map.of(), "cp", "box:/tmp/to-host/secret", out.resolve("a").toString());
        assertNotEquals(0, through.exit(), through.toString());
        assertTrue(through.err().contains("Could not find the file"), through.err());
        DockerCli.Result climb = docker.run(Map.of(), "cp", "-L", "box:/tmp/climb", out.resolve("b").toString());
        assertNotEquals(0, climb.exit(), climb.toString());
        DockerCli.Result magic = docker.run(Map.of(), "cp", "box:/tmp/magic/passwd", out.resolve("c").toString());
        assertNotEquals(0, magic.exit(), "a magic link is not followed: " + magic);
        assertFalse(Files.exists(out.resolve("a")) || Files.exists(out.resolve("b")) || Files.exists(out.resolve("c")));
    }

    @Test
    void jnerdCpUsesTheSameRulesBothWays() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("jnerd-in/dir"));
        Files.writeString(src.resolve("a"), "alpha\n");
        Cli.Result in = cli.run("cp", src.toString(), "box:/tmp/jdir");
        assertEquals(0, in.exitCode, in.toString());
        Cli.Result renamed = cli.run("cp", src.resolve("a").toString(), "box:/tmp/jdir/b");
        assertEquals(0, renamed.exitCode, renamed.toString());
        assertEquals("alpha\nalpha\n", exec("cat", "/tmp/jdir/a", "/tmp/jdir/b"));

        Path out = Files.createDirectories(tmp.resolve("jnerd-out"));
        Cli.Result back = cli.run("cp", "box:/tmp/jdir", out.toString());
        assertEquals(0, back.exitCode, back.toString());
        assertEquals("alpha\n", Files.readString(out.resolve("jdir/b")), "into an existing directory, under its name");
        Cli.Result tar = cli.run("cp", "exited:/tmp/made-before", "-");
        assertEquals(0, tar.exitCode, tar.toString());
        assertTrue(tar.out.startsWith("made-before") && tar.out.contains("in-snapshot\n"), "a tar on stdout");

        // A member whose directories the archive does not carry (Testcontainers sends such tars).
        java.io.ByteArrayOutputStream bare = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bare)) {
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry("made/on/the/way");
            e.setSize(3);
            t.putArchiveEntry(e);
            t.write("ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            t.closeArchiveEntry();
        }
        Cli.Result stdin = cli.runWithInput(bare.toByteArray(), "cp", "-", "exited:/tmp");
        assertEquals(0, stdin.exitCode, stdin.toString());
        assertEquals("ok\n", cli.run("cp", "exited:/tmp/made/on/the/way", "-").out.replaceAll("(?s)^.*?(ok\n).*$", "$1"));

        Cli.Result both = cli.run("cp", "box:/etc/passwd", "exited:/tmp/");
        assertEquals(1, both.exitCode, both.toString());
        Cli.Result missing = cli.run("cp", "box:/no/such", out.toString());
        assertEquals(1, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("Could not find the file /no/such"), missing.err);
    }

    @Test
    void anArchiveLargerThanAnyWholeBodyStreamsInAndOut() throws Exception {
        byte[] big = new byte[20 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        Path file = Files.write(tmp.resolve("big.bin"), big);
        DockerCli.Result in = docker.run(Map.of(), "cp", file.toString(), "box:/tmp/big.bin");
        assertEquals(0, in.exit(), in.toString());
        assertEquals(big.length + "\n", exec("sh", "-c", "wc -c < /tmp/big.bin"), "past the daemon's 16 MiB body limit");
        Path back = tmp.resolve("big-back.bin");
        DockerCli.Result out = docker.run(Map.of(), "cp", "box:/tmp/big.bin", back.toString());
        assertEquals(0, out.exit(), out.toString());
        assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(back)), "the same bytes came back");
    }
}
