package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.SyscallException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RroHelperTest {

    @Test
    void commandLineDefaults() {
        RroHelper.Command bind = RroHelper.Command.parse(new String[] {"bind", "/a", "/b"});
        assertEquals(Set.of(RecursiveAttribute.RDONLY), bind.attributes);
        assertEquals(Propagation.RPRIVATE, bind.propagation, "a bind is made rprivate unless told otherwise");
        assertEquals(List.of("/a", "/b"), bind.paths);

        RroHelper.Command hook = RroHelper.Command.parse(new String[] {"oci-hook", "--attrs", "rdonly,nosuid", "/x", "/y"});
        assertEquals(EnumSet.of(RecursiveAttribute.RDONLY, RecursiveAttribute.NOSUID), hook.attributes);
        assertNull(hook.propagation, "a hook leaves the propagation the runtime set");
        assertEquals(List.of("/x", "/y"), hook.paths);

        assertEquals(Propagation.RSLAVE,
                RroHelper.Command.parse(new String[] {"apply", "--propagation", "rslave", "/m"}).propagation);
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertEquals("no mode given", parseError());
        assertEquals("unknown mode \"mount\"", parseError("mount", "/a"));
        assertEquals("bind: wrong number of paths: [/a]", parseError("bind", "/a"));
        assertEquals("oci-hook: wrong number of paths: []", parseError("oci-hook"));
        assertEquals("unknown attribute \"readonly\"", parseError("apply", "--attrs", "readonly", "/m"));
        assertEquals("unknown propagation \"up\"", parseError("apply", "--propagation", "up", "/m"));
        assertEquals("--attrs needs a value", parseError("apply", "/m", "--attrs"));
        assertEquals("unknown option --force", parseError("apply", "--force", "/m"));
        assertEquals("only one of noatime, strictatime, relatime can be set",
                parseError("apply", "--attrs", "noatime,relatime", "/m"));
    }

    private static String parseError(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> RroHelper.Command.parse(args)).getMessage();
    }

    @Test
    void rootfsComesFromTheStatesBundleAndItsConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}");
        String state = "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"creating\",\"pid\":42,\"bundle\":\"" + dir + "\"}";
        assertEquals(dir.resolve("rootfs"), RroHelper.rootfsFromState(stdin(state)));

        Files.writeString(dir.resolve("config.json"), "{\"root\":{\"path\":\"/var/lib/rootfs\"}}");
        assertEquals(Path.of("/var/lib/rootfs"), RroHelper.rootfsFromState(stdin(state)));

        MountException noBundle = assertThrows(MountException.class, () -> RroHelper.rootfsFromState(stdin("{\"id\":\"c\"}")));
        assertEquals("oci-hook: the container state on stdin has no \"bundle\"", noBundle.getMessage());

        Files.writeString(dir.resolve("config.json"), "{\"root\":{}}");
        MountException noRoot = assertThrows(MountException.class, () -> RroHelper.rootfsFromState(stdin(state)));
        assertEquals("oci-hook: " + dir.resolve("config.json") + " has no root.path", noRoot.getMessage());
    }

    @Test
    void destinationsResolveInsideTheRootfsLikeTheRuntimeDid(@TempDir Path dir) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("var/data"));
        Files.createSymbolicLink(rootfs.resolve("data"), Path.of("/var/data"));
        Files.createSymbolicLink(rootfs.resolve("var/up"), Path.of("../../../../.."));
        Files.createSymbolicLink(rootfs.resolve("loop"), Path.of("loop"));

        assertEquals(rootfs.resolve("srv/x"), RootfsPath.resolve(rootfs, "/srv/x"));
        assertEquals(rootfs.resolve("srv"), RootfsPath.resolve(rootfs, "//srv/"));
        assertEquals(rootfs.resolve("etc"), RootfsPath.resolve(rootfs, "/../../../etc"), "\"..\" stops at the rootfs");
        assertEquals(rootfs.resolve("var/data"), RootfsPath.resolve(rootfs, "/data"), "absolute links start at the rootfs");
        assertEquals(rootfs.resolve("var/data/sub"), RootfsPath.resolve(rootfs, "/data/sub"));
        assertEquals(rootfs.resolve("etc"), RootfsPath.resolve(rootfs, "/var/up/etc"), "relative links stop at the rootfs");
        MountException e = assertThrows(MountException.class, () -> RootfsPath.resolve(rootfs, "/loop"));
        assertEquals("oci-hook: more than 40 symbolic links in /loop", e.getMessage());
    }

    @Test
    void aStateThatIsNotJsonIsOneLine() {
        MountException e = assertThrows(MountException.class, () -> RroHelper.rootfsFromState(stdin("creating")));
        assertTrue(e.getMessage().startsWith("oci-hook: the container state on stdin is not JSON: "), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
    }

    @Test
    void syscallErrorsBecomeOneLineSayingWhatIsMissing() {
        assertEquals("rro /a: requires Linux >= 5.12 (mount_setattr) (mount_setattr fd 5: ENOSYS (38))",
                RecursiveBind.explain("rro /a", new SyscallException("mount_setattr", Errno.ENOSYS, "fd 5")).getMessage());
        assertEquals("rro /a: requires Linux >= 5.2 (open_tree) (open_tree /a: ENOSYS (38))",
                RecursiveBind.explain("rro /a", new SyscallException("open_tree", Errno.ENOSYS, "/a")).getMessage());
        assertEquals("rro /a: not a directory (move_mount /b: ENOTDIR (20))",
                RecursiveBind.explain("rro /a", new SyscallException("move_mount", Errno.ENOTDIR, "/b")).getMessage());
    }

    private static ByteArrayInputStream stdin(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
