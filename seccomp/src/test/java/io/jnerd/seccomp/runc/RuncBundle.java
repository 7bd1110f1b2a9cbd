package io.jnerd.seccomp.runc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.seccomp.profile.ProfileContext;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs containers with real runc on a busybox-static rootfs: a read-only rootfs with
 * /bin/busybox and a few applet links, the host network namespace (so a server the test
 * runs on 127.0.0.1 is reachable), and the seccomp profile under test.
 */
final class RuncBundle {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path dir;
    private final Path rootfs;
    private final Path state;

    /** Builds the rootfs under {@code dir}. */
    RuncBundle(Path dir) throws IOException {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        this.state = dir.resolve("runc-root");
        Files.createDirectories(rootfs.resolve("bin"));
        for (String d : List.of("proc", "dev", "tmp")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : List.of("sh", "true", "wget", "timeout", "echo")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(state);
    }

    /** Copies the executable {@code file} to /bin of the rootfs, under its own name. */
    void install(Path file) throws IOException {
        Files.copy(file, rootfs.resolve("bin").resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** The outcome of one {@code runc run}. */
    record Result(String id, int exitCode, String output) {}

    /** Runs {@code args} in a new container under {@code seccomp}; deletes the container afterwards. */
    Result run(SeccompProfile seccomp, String... args) throws IOException, InterruptedException {
        return run(seccomp, ProfileContext.DEFAULT_CAPABILITIES, args);
    }

    /** As {@link #run(SeccompProfile, String...)}, the process with {@code capabilities}. */
    Result run(SeccompProfile seccomp, Collection<String> capabilities, String... args)
            throws IOException, InterruptedException {
        String id = "jnerd-seccomp-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path bundle = dir.resolve(id);
        Files.createDirectories(bundle);
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config(seccomp, capabilities, args)));
        Path out = bundle.resolve("output");
        try {
            Process p = new ProcessBuilder("runc", "--root", state.toString(), "run", "--bundle", bundle.toString(), id)
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("runc run " + id + " did not finish in 60 s: " + Files.readString(out));
            }
            return new Result(id, p.exitValue(), Files.readString(out));
        } finally {
            delete(id);
            deleteTree(bundle);
        }
    }

    private void delete(String id) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("runc", "--root", state.toString(), "delete", "-f", id)
                .redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private ObjectNode config(SeccompProfile seccomp, Collection<String> capabilities, String... args) {
        ObjectNode c = JSON.createObjectNode();
        c.put("ociVersion", "1.0.2");
        ObjectNode process = c.putObject("process");
        process.put("terminal", false);
        process.putObject("user").put("uid", 0).put("gid", 0);
        ArrayNode argv = process.putArray("args");
        for (String a : args) {
            argv.add(a);
        }
        process.putArray("env").add("PATH=/bin");
        process.put("cwd", "/");
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode list = caps.putArray(set);
            capabilities.stream().sorted().forEach(list::add);
        }
        process.put("noNewPrivileges", true);
        c.putObject("root").put("path", rootfs.toString()).put("readonly", true);
        ArrayNode mounts = c.putArray("mounts");
        mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
        ObjectNode dev = mounts.addObject().put("destination", "/dev").put("type", "tmpfs").put("source", "tmpfs");
        dev.putArray("options").add("nosuid").add("mode=755").add("size=1024k");
        ObjectNode linux = c.putObject("linux");
        // No network namespace: the container shares the host's, where the test's server listens.
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : List.of("pid", "mount", "ipc")) {
            namespaces.addObject().put("type", ns);
        }
        linux.set("seccomp", ProfileJson.toTree(seccomp));
        return c;
    }
}
