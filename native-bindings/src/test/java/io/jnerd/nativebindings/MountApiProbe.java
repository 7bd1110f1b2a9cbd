package io.jnerd.nativebindings;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link MountApiPrivilegedTest} in a child JVM that already has a private mount
 * namespace ({@code unshare -m --propagation private}): builds SRC with a tmpfs at
 * SRC/sub, binds it recursively read-only to DST with the new mount API, and prints one
 * {@code key=value} line per observation.
 */
public final class MountApiProbe {

    private MountApiProbe() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        Path src = Files.createDirectories(root.resolve("src"));
        Path sub = Files.createDirectories(src.resolve("sub"));
        Path dst = Files.createDirectories(root.resolve("dst"));

        MountApi.mount("tmpfs", sub.toString(), "tmpfs", MountApi.MS_NOSUID, "size=1m");
        System.out.println("sub.writable=" + tryWrite(sub.resolve("before")));

        try (Fd tree = MountApi.openTree(src.toString(),
                MountApi.OPEN_TREE_CLONE | MountApi.OPEN_TREE_CLOEXEC | MountApi.AT_RECURSIVE)) {
            MountApi.setAttr(tree, MountApi.AT_RECURSIVE,
                    new MountApi.Attr(MountApi.MOUNT_ATTR_RDONLY | MountApi.MOUNT_ATTR_NODEV, 0, MountApi.MS_PRIVATE, 0));
            MountApi.moveMount(tree, dst.toString(), 0);
        }
        System.out.println("dst.file=" + tryWrite(dst.resolve("file")));
        System.out.println("dst.sub.file=" + tryWrite(dst.resolve("sub").resolve("file")));
        System.out.println("dst.sub.sees.before=" + Files.exists(dst.resolve("sub").resolve("before")));
        System.out.println("src.sub.still.writable=" + tryWrite(sub.resolve("after")));

        MountApi.umount2(dst.toString(), MountApi.MNT_DETACH);
        System.out.println("dst.sub.after.umount=" + Files.exists(dst.resolve("sub")));
        try {
            MountApi.umount2(dst.toString(), 0);
            System.out.println("second.umount=ok");
        } catch (SyscallException e) {
            System.out.println("second.umount=" + e.getMessage());
        }
    }

    private static String tryWrite(Path file) {
        try {
            Files.write(file, List.of("x"));
            return "written";
        } catch (FileSystemException e) {
            return e.getReason();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
