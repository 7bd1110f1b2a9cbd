package io.jnerd.netns.bypassd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.nativebindings.Processes;
import io.jnerd.seccomp.ContainerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The bypasses' persisted state, one {@code ID.json} per bypass in bypassd's state dir (next
 * to its socket, {@code SOCKET.state/}, 0700, this user's): each file 0600, written whole to a
 * temporary file and renamed over the old one, so a daemon killed mid-write leaves the
 * previous state or the new one, never half of either. Read back with the checks an API
 * request gets (strict JSON, {@link BypassSpecs#validate}; the paths are checked again by the
 * registry): a file that fails them is logged, set aside and not served.
 */
final class BypassStateFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";

    private final Path dir;

    private BypassStateFiles(Path dir) {
        this.dir = dir;
    }

    /** bypassd's state dir for {@code socket}: made 0700 if missing, refused if another user's or open to others. */
    static BypassStateFiles forSocket(Path socket) throws IOException {
        Path dir = socket.toAbsolutePath().resolveSibling(socket.getFileName() + ".state");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (owner != Processes.getuid() || mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException("bypassd state dir " + dir + " must be a directory of uid " + Processes.getuid()
                    + " with mode 0700 (it is uid " + owner + ", " + PosixFilePermissions.toString(mode) + ")");
        }
        return new BypassStateFiles(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes {@code state} atomically (temporary file, then rename), 0600. */
    synchronized void write(BypassState state) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.set("spec", JSON.readTree(BypassJson.write(state.spec())));
        root.set("listeners", JSON.valueToTree(state.listeners()));
        root.set("bound", JSON.valueToTree(state.bound()));
        Path target = file(state.spec().id());
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, JSON.writeValueAsBytes(root), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS, StandardOpenOption.SYNC);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " over " + target + " atomically: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    synchronized void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    /** Every state file that passes the checks; the others are logged and renamed {@code .rejected}. */
    synchronized List<BypassState> readAll(Consumer<String> log) throws IOException {
        List<BypassState> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                try {
                    out.add(read(f));
                } catch (BypassException | IOException | RuntimeException e) {
                    log.accept("bypassd: state file " + f + " not taken over: " + e.getMessage());
                    Files.move(f, f.resolveSibling(f.getFileName() + ".rejected"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return out;
    }

    private static BypassState read(Path f) throws IOException, BypassException {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a regular file");
        }
        JsonNode root = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        // "bound" came later: a file without it (of an older bypassd) is one whose containers bound nothing we know of.
        boolean hasBound = root != null && root.has("bound");
        if (root == null || !root.isObject() || root.size() != (hasBound ? 3 : 2) || !root.path("listeners").isArray()
                || hasBound && !root.get("bound").isArray()) {
            throw new IOException("expected {\"spec\": ..., \"listeners\": [...], \"bound\": [...]}");
        }
        BypassSpec spec = BypassJson.readSpec(JSON.writeValueAsBytes(root.get("spec")));
        BypassSpecs.validate(spec);
        if (!f.getFileName().toString().equals(spec.id() + SUFFIX)) {
            throw new IOException("holds bypass \"" + spec.id() + "\"");
        }
        List<BypassState.Listener> listeners = new ArrayList<>();
        for (JsonNode l : root.get("listeners")) {
            String fd = l.path("fd").asText("");
            ContainerState container = JSON.treeToValue(l.path("container"), ContainerState.class);
            if (!ListenerStore.validName(fd) || container == null || container.pid() <= 0) {
                throw new IOException("listener entry " + l + " needs an fd name and a container with its pid");
            }
            listeners.add(new BypassState.Listener(fd, container));
        }
        List<BypassState.Bound> bound = new ArrayList<>();
        for (JsonNode b : root.path("bound")) {
            BypassState.Bound entry = JSON.treeToValue(b, BypassState.Bound.class);
            entry.socket(); // throws for a protocol, address or port out of range
            bound.add(entry);
        }
        return new BypassState(spec, listeners, bound);
    }

    private Path file(String id) {
        // Ids are checked (BypassSpecs: no '/', no leading '.'), so this stays in dir.
        return dir.resolve(id + SUFFIX);
    }
}
