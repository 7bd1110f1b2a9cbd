package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount syscalls for real, in a child JVM with a private mount namespace: this JVM
 * never unshares, and every mount dies with the child's namespace.
 */
@Tag("privileged")
class MountApiPrivilegedTest {

    @Test
    void recursiveReadOnlyCloneMovedIntoPlace(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root (mount namespaces)");
        Assumptions.assumeTrue(KernelVersion.atLeast(5, 12), "needs Linux >= 5.12, this is " + KernelVersion.current());

        Map<String, String> seen = runProbe(dir);

        assertEquals("written", seen.get("sub.writable"), seen.toString());
        assertEquals("Read-only file system", seen.get("dst.file"), seen.toString());
        assertEquals("Read-only file system", seen.get("dst.sub.file"), seen.toString());
        assertEquals("true", seen.get("dst.sub.sees.before"), "the clone must carry the submount: " + seen);
        assertEquals("written", seen.get("src.sub.still.writable"), "attributes apply to the clone only: " + seen);
        assertEquals("false", seen.get("dst.sub.after.umount"), "after umount dst is the empty dir again: " + seen);
        assertEquals("umount2 " + dir.resolve("dst") + ": EINVAL (22)", seen.get("second.umount"), seen.toString());
    }

    private static Map<String, String> runProbe(Path dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private",
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-D" + Native.PROPERTY + "=" + System.getProperty(Native.PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"),
                MountApiProbe.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        Map<String, String> seen = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                seen.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return seen;
    }
}
