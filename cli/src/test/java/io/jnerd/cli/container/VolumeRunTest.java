package io.jnerd.cli.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.LoadedContainerd;
import io.jnerd.cli.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * -v and --mount through jnerd run, on a source tree with a submount (a tmpfs at
 * SRC/sub): the point of rro is that the submount is read-only too.
 */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VolumeRunTest extends LoadedContainerd {
    private static final String WRITE_BOTH =
            "touch /data/file 2>&1 || true; touch /data/sub/file 2>&1 || true; echo done";
    static Path src;

    @BeforeAll
    static void mountTheSource() throws Exception {
        src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("sub"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "jnerd-test-sub", src.resolve("sub").toString());
    }

    @AfterAll
    static void unmountTheSource() throws Exception {
        if (src != null) {
            run("umount", src.resolve("sub").toString());
        }
    }

    @Test
    void rroMakesTheSubmountReadOnlyToo() {
        Cli.Result r = cli.run("run", "--rm", "-v", src + ":/data:rro", TestImages.NAME, "sh", "-c", WRITE_BOTH);
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(2, count(r.out, "Read-only file system"), r.out);
    }

    @Test
    void writableNonRecursiveReadOnlyLeavesTheSubmountWritable() {
        Cli.Result r = cli.run("run", "--rm", "--mount",
                "type=bind,source=" + src + ",target=/data,readonly,bind-recursive=writable",
                TestImages.NAME, "sh", "-c", WRITE_BOTH + "; ls /data/sub");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(1, count(r.out, "Read-only file system"), r.out);
        assertTrue(r.out.contains("file"), "the submount took the write: " + r.out);
    }

    @Test
    void plainBindIsWritableAndTmpfsMountsWork() {
        Cli.Result r = cli.run("run", "--rm", "-v", src + ":/data", "--mount", "type=tmpfs,target=/scratch,tmpfs-size=1m",
                TestImages.NAME, "sh", "-c", WRITE_BOTH + "; touch /scratch/x && grep ' /scratch ' /proc/mounts");
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(0, count(r.out, "Read-only file system"), r.out);
        assertTrue(r.out.contains("tmpfs /scratch tmpfs"), r.out);
    }

    @Test
    void aBadVolumeIsOneLineAnd125BeforeAnythingIsMade() {
        Cli.Result missing = cli.run("run", "--rm", "-v", tmp.resolve("absent") + ":/data", TestImages.NAME, "true");
        assertEquals(125, missing.exitCode, missing.toString());
        assertEquals(1, missing.err.lines().count(), missing.err);
        assertTrue(missing.err.contains("absent"), missing.err);

        Cli.Result badOption = cli.run("run", "--rm", "-v", src + ":/data:rx", TestImages.NAME, "true");
        assertEquals(125, badOption.exitCode, badOption.toString());
        assertTrue(badOption.err.contains("rx"), badOption.err);
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
