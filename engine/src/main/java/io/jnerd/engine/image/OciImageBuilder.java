package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds a one-layer OCI image from files of the host: how tests and {@code jnerd demo}
 * get images without a registry. Paths are container paths ("/bin/busybox"); parent
 * directories are added by themselves. The output is reproducible: same files, same digests.
 *
 * <pre>{@code
 * OciImage image = OciImageBuilder.busybox(Path.of("/bin/busybox"))
 *         .addHostBinary(Path.of("/usr/bin/iperf3"))   // and the libraries ldd lists
 *         .cmd(List.of("sh"))
 *         .build();
 * image.writeOciArchive(Path.of("x.tar"), "jnerd/demo:latest");
 * }</pre>
 */
public final class OciImageBuilder {
    /** Applets linked to busybox in the images jnerd builds. */
    public static final List<String> BUSYBOX_APPLETS = List.of(
            "sh", "cat", "echo", "env", "pwd", "id", "sleep", "true", "false", "ls", "mkdir", "rm", "touch",
            "wget", "timeout", "nc", "ip", "hostname", "head", "tail", "grep", "sed", "wc", "test", "ps", "kill",
            "mount", "stat", "whoami", "date", "uname", "printf", "tee", "seq", "chown", "chmod", "cp", "mv", "ln");

    private final Platform platform;
    private final TreeMap<String, Item> items = new TreeMap<>();
    private final List<String> env = new ArrayList<>(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private String workdir = "";
    private String user = "";

    private static final class Item {
        final TarArchiveEntry entry;
        final byte[] content;

        Item(TarArchiveEntry entry, byte[] content) {
            this.entry = entry;
            this.content = content;
        }
    }

    public OciImageBuilder(Platform platform) {
        this.platform = platform;
    }

    /** busybox (a static binary) at /bin/busybox with its applets, /etc/passwd and /etc/group, /tmp. */
    public static OciImageBuilder busybox(Path busyboxBinary) throws IOException {
        OciImageBuilder b = new OciImageBuilder(Platform.host());
        b.addFile(busyboxBinary, "/bin/busybox", 0755);
        for (String applet : BUSYBOX_APPLETS) {
            b.addSymlink("/bin/" + applet, "busybox");
        }
        b.addText("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
                + "app:x:1000:1000:app:/home/app:/bin/sh\n", 0644);
        b.addText("/etc/group", "root:x:0:\nnogroup:x:65534:\napp:x:1000:\n", 0644);
        b.addDirectory("/tmp", 01777);
        b.addDirectory("/root", 0700);
        b.addDirectory("/home/app", 0755);
        b.cmd(List.of("sh"));
        return b;
    }

    public OciImageBuilder addFile(Path hostFile, String path, int mode) throws IOException {
        return put(Tars.file(relative(path), Files.size(hostFile), mode), Files.readAllBytes(hostFile));
    }

    public OciImageBuilder addText(String path, String text, int mode) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return put(Tars.file(relative(path), b.length, mode), b);
    }

    public OciImageBuilder addSymlink(String path, String target) {
        return put(Tars.symlink(relative(path), target), null);
    }

    public OciImageBuilder addDirectory(String path, int mode) {
        return put(Tars.directory(relative(path), mode), null);
    }

    /**
     * A dynamically linked host binary at the same path, with the shared libraries and the
     * loader that {@code ldd} names (at their host paths), so it runs in the image.
     */
    public OciImageBuilder addHostBinary(Path binary) throws IOException {
        Path real = binary.toRealPath();
        addFile(real, binary.toAbsolutePath().toString(), modeOf(real));
        for (Path lib : sharedLibraries(real)) {
            Path libReal = lib.toRealPath();
            addFile(libReal, lib.toString(), modeOf(libReal));
        }
        return this;
    }

    public OciImageBuilder entrypoint(List<String> entrypoint) {
        this.entrypoint = List.copyOf(entrypoint);
        return this;
    }

    public OciImageBuilder cmd(List<String> cmd) {
        this.cmd = List.copyOf(cmd);
        return this;
    }

    public OciImageBuilder env(String keyValue) {
        String key = keyValue.split("=", 2)[0];
        env.removeIf(e -> e.split("=", 2)[0].equals(key));
        env.add(keyValue);
        return this;
    }

    public OciImageBuilder workdir(String workdir) {
        this.workdir = workdir;
        return this;
    }

    public OciImageBuilder user(String user) {
        this.user = user;
        return this;
    }

    public OciImage build() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        MessageDigest diffId = Digest.sha256();
        try (TarArchiveOutputStream tar = Tars.writer(new DigestOutputStream(new GZIPOutputStream(gz), diffId))) {
            for (String dir : implicitDirectories()) {
                Tars.add(tar, Tars.directory(dir, 0755), null);
            }
            for (Item item : items.values()) {
                Tars.add(tar, item.entry, item.content);
            }
        }
        byte[] layer = gz.toByteArray();
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        Descriptor layerDesc = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer);
        blobs.put(layerDesc.digest(), layer);

        byte[] config = Json.bytes(config(Digest.format(diffId)));
        Descriptor configDesc = Descriptor.of(MediaTypes.OCI_CONFIG, config);
        blobs.put(configDesc.digest(), config);

        ObjectNode manifest = Json.object();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.set("config", configDesc.toJson());
        manifest.putArray("layers").add(layerDesc.toJson());
        byte[] manifestBytes = Json.bytes(manifest);
        Descriptor manifestDesc = Descriptor.of(MediaTypes.OCI_MANIFEST, manifestBytes);
        blobs.put(manifestDesc.digest(), manifestBytes);
        return new OciImage(manifestDesc, blobs);
    }

    private ObjectNode config(String diffId) {
        ObjectNode c = Json.object();
        c.put("created", "1970-01-01T00:00:00Z");
        c.put("architecture", platform.architecture());
        c.put("os", platform.os());
        ObjectNode cc = c.putObject("config");
        env.forEach(cc.putArray("Env")::add);
        if (!entrypoint.isEmpty()) {
            entrypoint.forEach(cc.putArray("Entrypoint")::add);
        }
        if (!cmd.isEmpty()) {
            cmd.forEach(cc.putArray("Cmd")::add);
        }
        if (!workdir.isEmpty()) {
            cc.put("WorkingDir", workdir);
        }
        if (!user.isEmpty()) {
            cc.put("User", user);
        }
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        ids.add(diffId);
        c.putArray("history").addObject().put("created_by", "jnerd OciImageBuilder");
        return c;
    }

    /** Parents of every item that were not added explicitly, in an order where parents come first. */
    private List<String> implicitDirectories() {
        TreeMap<String, Boolean> dirs = new TreeMap<>();
        for (String name : items.keySet()) {
            String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            for (int i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) {
                String parent = n.substring(0, i + 1);
                if (!items.containsKey(parent)) {
                    dirs.put(parent, true);
                }
            }
        }
        return new ArrayList<>(dirs.keySet());
    }

    private OciImageBuilder put(TarArchiveEntry entry, byte[] content) {
        items.put(entry.getName(), new Item(entry, content));
        return this;
    }

    private static String relative(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty() || p.contains("..")) {
            throw new IllegalArgumentException("bad image path: " + path);
        }
        return p;
    }

    private static int modeOf(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        int mode = 0;
        for (PosixFilePermission perm : perms) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }

    /** The absolute library paths (and loader) {@code ldd} lists for a binary; none for static ones. */
    static List<Path> sharedLibraries(Path binary) throws IOException {
        Process p = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ldd " + binary + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for ldd", e);
        }
        List<Path> libs = new ArrayList<>();
        for (String line : out.split("\n")) {
            // "libssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
            String l = line.trim();
            int arrow = l.indexOf("=> ");
            String candidate = arrow >= 0 ? l.substring(arrow + 3) : l;
            int paren = candidate.indexOf(" (");
            if (paren > 0) {
                candidate = candidate.substring(0, paren);
            }
            if (candidate.startsWith("/")) {
                libs.add(Path.of(candidate));
            }
        }
        return libs;
    }
}
