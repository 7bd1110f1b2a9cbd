package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.MountApi;
import io.jnerd.nativebindings.Processes;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The point of rro, shown on a real tree: /src with a tmpfs at /src/sub. jnerd's recursive
 * read-only bind refuses writes everywhere; a plain "ro" bind (rbind, then a read-only
 * remount of the top mount, as runtimes do for "ro") leaves the submount writable.
 */
@Tag("privileged")
class RecursiveReadOnlyPrivilegedTest {

    private static final String EROFS = "Read-only file system";

    @TempDir
    Path dir;

    @BeforeEach
    void requireRootAndMountSetattr() {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root (mount namespaces)");
        Assumptions.assumeTrue(MountApi.hasMountSetattr(), "needs Linux >= 5.12 (mount_setattr)");
    }

    @AfterEach
    void nothingLeftInTheHostNamespace() throws Exception {
        PrivateMountNamespace.assertNoMountsLeftBelow(dir);
    }

    @Test
    void rroRefusesWritesInSubmountsWherePlainRoDoesNot() throws Exception {
        PrivateMountNamespace.Result r = PrivateMountNamespace.run(dir, String.join("\n",
                "T=$1",
                "mkdir -p $T/src/sub $T/rro $T/ro",
                "mount -t tmpfs -o size=1m tmpfs $T/src/sub",
                "helper bind $T/src $T/rro",
                "mount --rbind $T/src $T/ro",
                "mount -o remount,bind,ro $T/ro",
                "probe rro.file $T/rro/file",
                "probe rro.sub.file $T/rro/sub/file",
                "probe ro.file $T/ro/file",
                "probe ro.sub.file $T/ro/sub/file",
                "probe src.sub.file $T/src/sub/file"));
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.get("rro.file").endsWith(EROFS), r.toString());
        assertTrue(r.get("rro.sub.file").endsWith(EROFS), r.toString());
        assertTrue(r.get("ro.file").endsWith(EROFS), r.toString());
        assertEquals("written", r.get("ro.sub.file"), "plain ro leaves the submount writable: " + r);
        assertEquals("written", r.get("src.sub.file"), "the source itself stays writable: " + r);
    }

    @Test
    void rroWorksWithCapabilitiesOnlyInAUserNamespaceAsForRootless() throws Exception {
        PrivateMountNamespace.Result r = PrivateMountNamespace.runInUserNamespace(dir, String.join("\n",
                "T=$1",
                "mkdir -p $T/src/sub $T/rro",
                "mount -t tmpfs -o size=1m tmpfs $T/src/sub",
                "helper bind --attrs rdonly,nosuid,nodev $T/src $T/rro",
                "probe rro.sub.file $T/rro/sub/file",
                "grep \" $T/rro/sub \" /proc/self/mountinfo | sed 's/^/mountinfo=/'",
                "probe src.sub.file $T/src/sub/file"));
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.get("rro.sub.file").endsWith(EROFS), r.toString());
        assertTrue(r.get("mountinfo").contains(" ro,nosuid,nodev"), "per-mount flags of the submount: " + r);
        assertEquals("written", r.get("src.sub.file"), r.toString());
    }

    @Test
    void ociHookModeMakesAnExistingContainerMountRecursivelyReadOnly() throws Exception {
        // What a runtime leaves behind for options rbind,rprivate,ro before it runs
        // createContainer hooks: the bind at ROOTFS/data, read-only on top only.
        PrivateMountNamespace.Result r = PrivateMountNamespace.run(dir, String.join("\n",
                "T=$1",
                "mkdir -p $T/src/sub $T/bundle/rootfs/data",
                "mount -t tmpfs -o size=1m tmpfs $T/src/sub",
                "mount --rbind --make-rprivate $T/src $T/bundle/rootfs/data",
                "mount -o remount,bind,ro $T/bundle/rootfs/data",
                "echo '{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}' > $T/bundle/config.json",
                "probe before.sub.file $T/bundle/rootfs/data/sub/file",
                "echo '{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"'$T/bundle'\"}'"
                        + " | helper oci-hook --attrs rdonly /data",
                "probe after.sub.file $T/bundle/rootfs/data/sub/file",
                "probe src.sub.file $T/src/sub/file"));
        assertEquals(0, r.exit, r.toString());
        assertEquals("written", r.get("before.sub.file"), r.toString());
        assertTrue(r.get("after.sub.file").endsWith(EROFS), r.toString());
        assertEquals("written", r.get("src.sub.file"), r.toString());
    }

    @Test
    void helperErrorsAreOneLineNamingWhatIsWrong() throws Exception {
        PrivateMountNamespace.Result r = PrivateMountNamespace.run(dir, String.join("\n",
                "T=$1",
                "mkdir -p $T/src $T/dst",
                "touch $T/file",
                "run() { name=$1; shift; if out=$(helper \"$@\" 2>&1); then echo \"$name=ok\"; else echo \"$name=$? $out\"; fi; }",
                "run missing bind $T/missing $T/dst",
                "run notdir bind $T/src $T/file",
                "run usage bind $T/src",
                "WRAP='setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin'",
                "run eperm bind $T/src $T/dst",
                ""));
        assertEquals(0, r.exit, r.toString());
        assertEquals("1 jnerd rro helper: recursive bind " + dir + "/missing -> " + dir + "/dst: source "
                + dir + "/missing does not exist", r.get("missing"));
        assertEquals("1 jnerd rro helper: recursive bind " + dir + "/src -> " + dir
                + "/file: target is not a directory (the source is one)", r.get("notdir"));
        assertTrue(r.get("usage").startsWith("2 jnerd rro helper: bind: wrong number of paths: "), r.toString());
        assertEquals("1 jnerd rro helper: recursive bind " + dir + "/src -> " + dir + "/dst: not permitted: needs"
                + " CAP_SYS_ADMIN in the user namespace that owns this mount namespace (run as root, or inside the"
                + " rootless user and mount namespaces) (open_tree " + dir + "/src: EPERM (1))", r.get("eperm"));
    }
}
