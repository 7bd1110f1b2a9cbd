package io.jnerd.netns.bypass;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.nativebindings.Processes;
import io.jnerd.seccomp.profile.ProfileContext;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Short runc containers of busybox-static for the bypass tests: a read-only rootfs under
 * {@code dir}, each container in its own pid, mount, ipc and network namespace (lo only,
 * brought up by the script), running {@code sh -c SCRIPT} under a given seccomp profile.
 * {@code /www} is {@code docroot}, read-only, for a busybox httpd in the container.
 */
final class RuncBusybox {

    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path dir;
    private final Path docroot;

    private RuncBusybox(Path dir, Path docroot) {
        this.dir = dir;
        this.docroot = docroot;
    }

    /** Lays out the rootfs in {@code dir}; {@code docroot} becomes the containers' /www. */
    static RuncBusybox prepare(Path dir, Path docroot) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        for (String d : List.of("proc", "dev", "tmp", "www")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String applet : List.of("sh", "wget", "timeout", "echo", "ip", "httpd", "sleep", "nc", "usleep")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        return new RuncBusybox(dir, docroot);
    }

    /**
     * For the published-port tests: skips unless root (runc), busybox-static and the switch's
     * host-netns probe allow; {@code docroot/index.html} holds {@code page}.
     */
    static RuncBusybox servingPage(Path dir, String page) throws IOException {
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "busybox-static is not installed");
        Assumptions.assumeTrue(HostNetns.unavailabilityCause() == null, String.valueOf(HostNetns.unavailabilityCause()));
        Path docroot = Files.createDirectories(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("index.html"), page);
        return prepare(dir, docroot);
    }

    /** The containers' /www on the host: a file written there appears in the running containers. */
    Path docroot() {
        return docroot;
    }

    /** A TCP port free on the host now (for a published port's host side). */
    static int freeHostPort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** {@code runc run} of {@code sh -c script} (after lo is up); returns exit code and output. */
    String[] run(SeccompProfile seccomp, String script) throws Exception {
        String id = "jnerd-bypass-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path bundle = Files.createDirectories(dir.resolve(id));
        Files.writeString(bundle.resolve("config.json"),
                JSON.writeValueAsString(config(seccomp, "ip link set lo up && " + script)));
        Path out = bundle.resolve("output");
        Path state = dir.resolve("runc-root");
        try {
            Process p = new ProcessBuilder("runc", "--root", state.toString(), "run", "--bundle", bundle.toString(), id)
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("runc run " + id + " did not finish in 60 s: " + Files.readString(out));
            }
            return new String[] {Integer.toString(p.exitValue()), Files.readString(out)};
        } finally {
            new ProcessBuilder("runc", "--root", state.toString(), "delete", "-f", id)
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            deleteTree(bundle);
        }
    }

    /**
     * {@code runc run -d} of {@code sh -c script} (after lo is up), its output going to
     * {@code output}; returns its id, for {@link #delete}.
     */
    String startDetached(SeccompProfile seccomp, String script, Path output) throws Exception {
        String id = "jnerd-bypass-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path bundle = Files.createDirectories(dir.resolve(id));
        Files.writeString(bundle.resolve("config.json"),
                JSON.writeValueAsString(config(seccomp, "ip link set lo up && " + script)));
        Process p = new ProcessBuilder("runc", "--root", dir.resolve("runc-root").toString(), "run", "-d", "--bundle",
                bundle.toString(), id).redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly().waitFor();
            delete(id);
            throw new AssertionError("runc run -d " + id + " failed: " + Files.readString(output));
        }
        return id;
    }

    /** Removes a container {@link #startDetached} made, running or not, and its bundle. */
    void delete(String id) throws Exception {
        new ProcessBuilder("runc", "--root", dir.resolve("runc-root").toString(), "delete", "-f", id)
                .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        deleteTree(dir.resolve(id));
    }

    private ObjectNode config(SeccompProfile seccomp, String script) {
        ObjectNode c = JSON.createObjectNode();
        c.put("ociVersion", "1.0.2");
        ObjectNode process = c.putObject("process");
        process.put("terminal", false);
        process.putObject("user").put("uid", 0).put("gid", 0);
        process.putArray("args").add("sh").add("-c").add(script);
        process.putArray("env").add("PATH=/bin");
        process.put("cwd", "/");
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            ArrayNode list = caps.putArray(set);
            // CAP_NET_ADMIN only to bring lo up in the container's own network namespace.
            ProfileContext.DEFAULT_CAPABILITIES.stream().sorted().forEach(list::add);
            list.add("CAP_NET_ADMIN");
        }
        process.put("noNewPrivileges", true);
        c.putObject("root").put("path", dir.resolve("rootfs").toString()).put("readonly", true);
        ArrayNode mounts = c.putArray("mounts");
        mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
        ObjectNode www = mounts.addObject().put("destination", "/www").put("type", "bind")
                .put("source", docroot.toString());
        www.putArray("options").add("rbind").add("ro");
        ObjectNode dev = mounts.addObject().put("destination", "/dev").put("type", "tmpfs").put("source", "tmpfs");
        dev.putArray("options").add("nosuid").add("mode=755").add("size=1024k");
        ArrayNode namespaces = c.putObject("linux").putArray("namespaces");
        for (String ns : Arrays.asList("pid", "mount", "ipc", "network")) {
            namespaces.addObject().put("type", ns);
        }
        ((ObjectNode) c.get("linux")).set("seccomp", ProfileJson.toTree(seccomp));
        return c;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
