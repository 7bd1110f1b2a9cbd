package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Json;
import io.jnerd.mounts.OciHook;
import io.jnerd.mounts.SpecMount;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OCI runtime spec for a container: containerd's defaults for a Linux container
 * (oci/spec.go, populateDefaultUnixSpec, in containerd 1.6), then the image config, then
 * the run options. The network mode adds its namespace and files afterwards.
 */
public final class SpecBuilder {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private SpecBuilder() {}

    /** The process arguments: docker's rule, where --entrypoint also drops the image's Cmd. */
    public static List<String> args(JsonNode imageConfig, RunSpec run) {
        List<String> args = new ArrayList<>();
        if (run.entrypoint().isPresent()) {
            args.addAll(run.entrypoint().get());
        } else {
            imageConfig.path("Entrypoint").forEach(a -> args.add(a.asText()));
        }
        if (!run.command().isEmpty()) {
            args.addAll(run.command());
        } else if (run.entrypoint().isEmpty()) {
            imageConfig.path("Cmd").forEach(a -> args.add(a.asText()));
        }
        if (args.isEmpty()) {
            throw new JnerdException("no command specified (the image has neither Entrypoint nor Cmd)");
        }
        return args;
    }

    /**
     * Image Env, then -e/--env-file in order; a later value for a key replaces the earlier
     * one. PATH and HOSTNAME ({@code hostname}, the container's) unless given.
     */
    public static List<String> env(JsonNode imageConfig, RunSpec run, String hostname) {
        Map<String, String> env = new LinkedHashMap<>();
        imageConfig.path("Env").forEach(e -> put(env, e.asText()));
        run.env().forEach(e -> put(env, e));
        if (!env.containsKey("PATH")) {
            put(env, DEFAULT_PATH);
        }
        if (!env.containsKey("HOSTNAME")) {
            env.put("HOSTNAME", hostname);
        }
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    private static void put(Map<String, String> env, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new JnerdException("invalid environment variable: '" + kv + "' (expected KEY=VALUE)");
        }
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    /**
     * The whole spec but the network's namespace and files ({@link
     * io.jnerd.engine.network.NetworkAttacher#configure}); {@code seccomp} is the run's profile
     * with what its network mode added, written here once.
     */
    public static ObjectNode build(JsonNode image, RunSpec run, String hostname, ProcessUser user,
                                   Optional<SeccompProfile> seccomp, String cgroupsPath) {
        JsonNode config = image.path("config");
        ObjectNode spec = Json.object();
        spec.put("ociVersion", "1.0.2-dev");

        ObjectNode process = spec.putObject("process");
        process.put("terminal", run.tty());
        user.putInto(process);
        args(config, run).forEach(process.putArray("args")::add);
        env(config, run, hostname).forEach(process.putArray("env")::add);
        String cwd = run.workdir().orElse(config.path("WorkingDir").asText(""));
        process.put("cwd", cwd.isEmpty() ? "/" : cwd);
        if (!process.path("cwd").asText().startsWith("/")) {
            throw new JnerdException("working directory must be absolute: " + cwd);
        }
        List<String> caps = Capabilities.compute(run.capAdd(), run.capDrop());
        ObjectNode c = process.putObject("capabilities");
        for (String set : new String[] {"bounding", "effective", "permitted"}) {
            caps.forEach(c.putArray(set)::add);
        }
        // 1024 open files, as containerd's default spec; docker raises it, nerdctl keeps it.
        process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
        process.put("noNewPrivileges", run.noNewPrivileges());

        spec.putObject("root").put("path", "rootfs").put("readonly", run.readOnly());
        spec.put("hostname", hostname);
        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "shm", "tmpfs", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        for (SpecMount m : run.volumes().mounts()) {
            mount(mounts, m.destination(), m.source(), m.type(), m.options().toArray(new String[0]));
        }
        if (!run.volumes().createContainerHooks().isEmpty()) {
            ArrayNode hooks = spec.putObject("hooks").putArray("createContainer");
            for (OciHook h : run.volumes().createContainerHooks()) {
                ObjectNode hook = hooks.addObject();
                hook.put("path", h.path());
                h.args().forEach(hook.putArray("args")::add);
                hook.put("timeout", h.timeoutSeconds());
            }
        }

        if (!run.annotations().isEmpty()) {
            ObjectNode a = spec.putObject("annotations");
            run.annotations().forEach(a::put);
        }

        ObjectNode linux = spec.putObject("linux");
        ArrayNode ns = linux.putArray("namespaces");
        for (String type : new String[] {"pid", "ipc", "uts", "mount"}) {
            ns.addObject().put("type", type);
        }
        if (!run.rootless()) {
            linux.put("cgroupsPath", cgroupsPath);
            // Deny all devices; runc adds back its defaults (null, zero, full, random, urandom, tty, ptmx).
            linux.putObject("resources").putArray("devices").addObject().put("allow", false).put("access", "rwm");
        }
        seccomp.ifPresent(profile -> linux.set("seccomp", ProfileJson.toTree(profile)));
        for (String p : new String[] {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"}) {
            linux.withArrayProperty("maskedPaths").add(p);
        }
        for (String p : new String[] {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}) {
            linux.withArrayProperty("readonlyPaths").add(p);
        }
        return spec;
    }

    private static void mount(ArrayNode mounts, String destination, String source, String type, String... options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        ArrayNode o = m.putArray("options");
        for (String opt : options) {
            o.add(opt);
        }
    }
}
