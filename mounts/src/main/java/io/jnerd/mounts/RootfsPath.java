package io.jnerd.mounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A container path resolved inside its rootfs the way the runtime resolved it when it
 * mounted there (runc: securejoin): symbolic links are followed with the rootfs as "/",
 * and ".." stops at the rootfs. A hook runs before pivot_root, when the host's tree is
 * still "/": following an image's absolute symlink naively would reach a host path.
 */
final class RootfsPath {

    /** Linux's own limit on symlinks followed in one lookup. */
    private static final int MAX_LINKS = 40;

    private RootfsPath() {}

    static Path resolve(Path rootfs, String destination) throws MountException {
        Path root = rootfs.toAbsolutePath().normalize();
        Deque<String> todo = new ArrayDeque<>(components(destination));
        Path current = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(root) ? root : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (!Files.isSymbolicLink(next)) {
                current = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new MountException("oci-hook: more than " + MAX_LINKS + " symbolic links in " + destination);
            }
            String target = readLink(next);
            if (target.startsWith("/")) {
                current = root;
            }
            List<String> linkParts = components(target);
            for (int i = linkParts.size() - 1; i >= 0; i--) {
                todo.addFirst(linkParts.get(i));
            }
        }
        return current;
    }

    private static List<String> components(String path) {
        return Arrays.asList(path.split("/"));
    }

    private static String readLink(Path link) throws MountException {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new MountException("oci-hook: cannot read symbolic link " + link + ": " + e.getMessage(), e);
        }
    }
}
