package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The drivers as an unprivileged user (uid 65534) in a child JVM, which root starts with
 * setpriv. /dev/net/tun is commonly 0600 on such machines (TOOLCHAIN.md); instead of
 * changing the machine's device, the attach case runs in a private mount namespace where a
 * 0666 node of the same device (10, 200) is bind-mounted over /dev/net/tun.
 */
@Tag("privileged")
class RootlessShapeTest {

    private static final String NOBODY = "65534";

    @TempDir
    Path dir;

    @Test
    void tunVerdictForAnUnprivilegedUser() throws Exception {
        assumeTrue(Commands.isRoot(), "setpriv to another user needs root");
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(TunDevice.PATH);
        boolean worldUsable = mode.contains(PosixFilePermission.OTHERS_READ) && mode.contains(PosixFilePermission.OTHERS_WRITE);
        Commands.Result r = Commands.run(childJvm("tun").toArray(new String[0]));
        assertEquals(0, r.status(), r.output());
        String octal = String.format("%04o", mode.stream().mapToInt(p -> 1 << (8 - p.ordinal())).sum());
        assertEquals(worldUsable ? "tun usable"
                : "/dev/net/tun is not usable by uid 65534 (mode " + octal + "): run as root: chmod 0666 /dev/net/tun",
                r.output().trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"slirp4netns", "pasta"})
    void attachPublishAndDetachAsAnUnprivilegedUser(String mode) throws Exception {
        assumeTrue(Commands.isRoot(), "setpriv to another user and the private tun node need root");
        Path docroot = Files.createDirectory(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("index.html"), "rootless hello\n");
        Path state = dir.resolve("state");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> child = childJvm("attach", mode, state.toString(), docroot.toString());
        String script = "mount --make-rprivate / && mknod " + dir + "/tun c 10 200 && chmod 0666 " + dir + "/tun"
                + " && mount --bind " + dir + "/tun /dev/net/tun && exec \"$@\"";
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", script, "sh"));
        cmd.addAll(child);
        Commands.Result r = Commands.run(cmd.toArray(new String[0]));
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains("interface: ") && r.output().contains(
                mode.equals("slirp4netns") ? "tap0    inet 10.0.2.100/24" : "inet "), r.output());
        assertTrue(r.output().contains("published: rootless hello"), r.output());
        assertTrue(r.output().contains("driver alive after detach: false"), r.output());
        assertTrue(r.output().contains("api socket left: false"), r.output());
        assertTrue(r.output().contains("netns bind left: false"), r.output());
        assertEquals(List.of(), Commands.processesMentioning(state.toString()));
    }

    /** setpriv to uid/gid 65534 running this JVM on a copy of the test class path nobody can read. */
    private List<String> childJvm(String... args) throws IOException {
        Path cp = Files.createDirectories(dir.resolve("cp"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = cp.resolve((i++) + "-" + source.getFileName());
            copy(source, target);
            entries.add(target.toString());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--", java, "-cp", String.join(File.pathSeparator, entries), RootlessAttachMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void copy(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
