package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.nativebindings.MountApi;
import io.jnerd.nativebindings.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runc containers (rootfs: busybox-static, state in a runc --root of the test's own)
 * bind a source with a tmpfs submount at /data and try to write /data/file and
 * /data/sub/file. Three ways, each from the translator's own spec mounts:
 * runc's rro, jnerd's createContainer hook (runc told it has no rro; once more at a
 * destination behind the image's absolute symlink /lnk -> /srv, which runc resolves in
 * the rootfs and so must the hook), and the non-recursive bind-recursive=writable. runc runs inside a private mount namespace,
 * so the submount never exists in the host namespace.
 */
@Tag("privileged")
class RuncRecursiveReadOnlyPrivilegedTest {

    private static final String EROFS = "Read-only file system";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    /** sh -c WRITER sh NAME DIR: tries DIR/file and DIR/sub/file, prints NAME.PATH=written or the error. */
    private static final String WRITER = "for f in $2/file $2/sub/file; do"
            + " if err=$( { echo x > $f; } 2>&1 ); then echo \"$1.$f=written\"; else echo \"$1.$f=$err\"; fi; done";

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root (rootful runc, mount namespaces)");
        Assumptions.assumeTrue(MountApi.hasMountSetattr(), "needs Linux >= 5.12 (mount_setattr)");
        Assumptions.assumeTrue(RuntimeCapabilitiesTest.onPath("runc"), "needs runc (bin/deb-packages)");
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "needs busybox-static (bin/deb-packages)");
    }

    @AfterEach
    void nothingLeftInTheHostNamespace() throws Exception {
        PrivateMountNamespace.assertNoMountsLeftBelow(dir);
    }

    @Test
    void submountsAreReadOnlyWithRuncsRroAndWithJnerdsHookButNotWithWritable() throws Exception {
        Path rootfs = buildRootfs();
        Path src = Files.createDirectories(dir.resolve("src/sub")).getParent();
        String volume = src + ":/data:ro";

        MountPlan byRunc = MountTranslator.forRuntime("runc", HelperCommand.thisJvm())
                .translate(List.of(MountOptions.parseVolume(volume, dir)));
        assertTrue(byRunc.mounts().get(0).options().contains("rro"), byRunc.toString());
        assertEquals(List.of(), byRunc.createContainerHooks());

        RuntimeCapabilities noRro = new RuntimeCapabilities("runc", Set.of(), "told it has no rro");
        MountTranslator jnerdOnly = new MountTranslator(noRro, true, HelperCommand.thisJvm());
        MountPlan byHook = jnerdOnly.translate(List.of(MountOptions.parseVolume(volume, dir)));
        assertEquals(List.of("rbind", "rprivate", "ro"), byHook.mounts().get(0).options());
        assertEquals(1, byHook.createContainerHooks().size());
        MountPlan byHookBehindLink = jnerdOnly.translate(List.of(MountOptions.parseVolume(src + ":/lnk/data:ro", dir)));

        MountPlan writable = MountTranslator.forRuntime("runc", HelperCommand.thisJvm()).translate(List.of(
                MountOptions.parseMount("type=bind,src=" + src + ",dst=/data,readonly,bind-recursive=writable", dir)));

        writeBundle("runc-rro", rootfs, byRunc, "/data");
        writeBundle("jnerd-hook", rootfs, byHook, "/data");
        writeBundle("jnerd-hook-link", rootfs, byHookBehindLink, "/lnk/data");
        writeBundle("writable", rootfs, writable, "/data");

        PrivateMountNamespace.Result r = PrivateMountNamespace.run(dir, String.join("\n",
                "T=$1",
                "mount -t tmpfs -o size=1m tmpfs $T/src/sub",
                "for b in runc-rro jnerd-hook jnerd-hook-link writable; do",
                "  runc --root $T/runc-state run --bundle $T/$b jnerd-test-$b-$$ </dev/null",
                "done"));

        assertEquals(0, r.exit, r.toString());
        assertTrue(r.get("runc-rro./data/file").endsWith(EROFS), r.toString());
        assertTrue(r.get("runc-rro./data/sub/file").endsWith(EROFS), r.toString());
        assertTrue(r.get("jnerd-hook./data/file").endsWith(EROFS), r.toString());
        assertTrue(r.get("jnerd-hook./data/sub/file").endsWith(EROFS), r.toString());
        assertTrue(r.get("jnerd-hook-link./lnk/data/file").endsWith(EROFS), r.toString());
        assertTrue(r.get("jnerd-hook-link./lnk/data/sub/file").endsWith(EROFS), r.toString());
        assertTrue(r.get("writable./data/file").endsWith(EROFS), r.toString());
        assertEquals("written", r.get("writable./data/sub/file"), r.toString());
    }

    private Path buildRootfs() throws Exception {
        Path rootfs = dir.resolve("rootfs");
        for (String d : List.of("bin", "proc", "dev", "sys", "tmp", "data", "srv")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.createSymbolicLink(rootfs.resolve("lnk"), Path.of("/srv"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        return rootfs;
    }

    /** A minimal config from {@code runc spec}, with our process, rootfs, mounts and hooks. */
    private void writeBundle(String name, Path rootfs, MountPlan plan, String dataDir) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve(name));
        Process spec = new ProcessBuilder("runc", "spec", "--bundle", bundle.toString()).inheritIO().start();
        assertEquals(0, spec.waitFor());
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.set("args", json.valueToTree(List.of("/bin/sh", "-c", WRITER, "sh", name, dataDir)));
        ((ObjectNode) config.get("root")).put("path", rootfs.toString());
        ArrayNode mounts = (ArrayNode) config.get("mounts");
        plan.mounts().forEach(m -> mounts.add(json.valueToTree(m)));
        if (!plan.createContainerHooks().isEmpty()) {
            ObjectNode hooks = json.createObjectNode();
            hooks.set("createContainer", json.valueToTree(plan.createContainerHooks()));
            config.set("hooks", hooks);
        }
        json.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), config);
    }
}
