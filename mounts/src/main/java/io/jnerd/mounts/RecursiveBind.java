package io.jnerd.mounts;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.MountApi;
import io.jnerd.nativebindings.SyscallException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Recursive bind mounts whose attributes (read-only, nosuid, …) hold for every submount:
 * {@code open_tree(OPEN_TREE_CLONE|AT_RECURSIVE)} copies the source tree detached,
 * {@code mount_setattr(AT_RECURSIVE)} changes the whole copy (Linux 5.12), and
 * {@code move_mount} attaches it at the target. The copy is changed before anyone can see
 * it, so there is no moment in which the target is writable.
 *
 * <p>These calls change the calling process's mount namespace: run them only in a helper
 * process with a mount namespace of its own ({@link RroHelper}), never in the
 * long-lived JVM in the host namespace.
 */
public final class RecursiveBind {

    private RecursiveBind() {}

    /** Binds {@code source} (a tree) at {@code target} with {@code attributes} on every mount. */
    public static void bind(Path source, Path target, Set<RecursiveAttribute> attributes, Propagation propagation)
            throws MountException {
        String what = "recursive bind " + source + " -> " + target;
        requireExists(what, "source", source);
        requireExists(what, "target", target);
        if (Files.isDirectory(source) && !Files.isDirectory(target)) {
            throw new MountException(what + ": target is not a directory (the source is one)");
        }
        if (!Files.isDirectory(source) && Files.isDirectory(target)) {
            throw new MountException(what + ": target is a directory (the source is a file)");
        }
        try (Fd tree = MountApi.openTree(source.toString(),
                MountApi.OPEN_TREE_CLONE | MountApi.OPEN_TREE_CLOEXEC | MountApi.AT_RECURSIVE)) {
            setAttributes(tree, attributes, propagation);
            MountApi.moveMount(tree, target.toString(), 0);
        } catch (SyscallException e) {
            throw explain(what, e);
        }
    }

    /** Sets {@code attributes} on the mount at {@code mountPoint} and every mount below it. */
    public static void apply(Path mountPoint, Set<RecursiveAttribute> attributes, Propagation propagation)
            throws MountException {
        String what = "recursive attributes on " + mountPoint;
        requireExists(what, "mount point", mountPoint);
        try (Fd tree = MountApi.openTree(mountPoint.toString(), MountApi.OPEN_TREE_CLOEXEC)) {
            setAttributes(tree, attributes, propagation);
        } catch (SyscallException e) {
            throw explain(what, e);
        }
    }

    /**
     * A recursive propagation goes into the same AT_RECURSIVE call; a non-recursive one
     * needs a second call on the top mount alone.
     */
    private static void setAttributes(Fd tree, Set<RecursiveAttribute> attributes, Propagation propagation)
            throws SyscallException {
        boolean together = propagation == null || propagation.recursive();
        MountApi.setAttr(tree, MountApi.AT_RECURSIVE, RecursiveAttribute.toAttr(attributes, together ? propagation : null));
        if (!together) {
            MountApi.setAttr(tree, 0, RecursiveAttribute.toAttr(Set.of(), propagation));
        }
    }

    private static void requireExists(String what, String role, Path path) throws MountException {
        if (!Files.exists(path)) {
            throw new MountException(what + ": " + role + " " + path + " does not exist");
        }
    }

    /** One line saying what is missing; the errno stays in the message and in the cause. */
    static MountException explain(String what, SyscallException e) {
        String why;
        switch (e.errno()) {
            case Errno.ENOSYS:
                why = "mount_setattr".equals(e.syscall())
                        ? "requires Linux >= 5.12 (mount_setattr)"
                        : "requires Linux >= 5.2 (" + e.syscall() + ")";
                break;
            case Errno.EPERM:
                why = "not permitted: needs CAP_SYS_ADMIN in the user namespace that owns this mount namespace"
                        + " (run as root, or inside the rootless user and mount namespaces)";
                break;
            case Errno.ENOENT:
                why = "a path does not exist";
                break;
            case Errno.ENOTDIR:
                why = "not a directory";
                break;
            case Errno.EINVAL:
                why = "mount_setattr".equals(e.syscall())
                        ? "not the root of a mount, or an attribute this kernel does not know"
                        : "invalid";
                break;
            default:
                why = "failed";
        }
        return new MountException(what + ": " + why + " (" + e.getMessage() + ")", e);
    }
}
