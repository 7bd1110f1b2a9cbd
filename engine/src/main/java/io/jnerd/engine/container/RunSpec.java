package io.jnerd.engine.container;

import io.jnerd.engine.network.NetworkMode;
import io.jnerd.engine.network.NetworkModes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jnerd run} was asked for, after parsing and before anything is made: the
 * input of {@link SpecBuilder} and {@link ContainerRunner}. Plain fields, filled by the
 * command (or by callers such as the demo and benchmarks).
 */
public final class RunSpec {
    public String image;
    public List<String> command = new ArrayList<>();
    /** null: the image's; empty list: none ({@code --entrypoint ""}). */
    public List<String> entrypoint;
    public List<String> env = new ArrayList<>();
    public String workdir;
    public String user;
    public String name;
    public String hostname;
    public Map<String, String> labels = new LinkedHashMap<>();
    public Map<String, String> annotations = new LinkedHashMap<>();
    public boolean readOnly;
    /** The OCI {@code linux.seccomp} object; null: unconfined. RunCommand sets jnerd's default profile. */
    public com.fasterxml.jackson.databind.JsonNode seccomp;
    public boolean noNewPrivileges = true;
    public List<String> capAdd = new ArrayList<>();
    public List<String> capDrop = new ArrayList<>();
    /** Callers that build a RunSpec themselves get no network unless they ask; {@code jnerd run}'s default is {@link NetworkModes#DEFAULT}. */
    public NetworkMode network = NetworkModes.of("none");
    public List<io.jnerd.netns.PortMapping> ports = new ArrayList<>();
    /** -v / --mount, already translated for the runtime: spec mounts and createContainer hooks. */
    public io.jnerd.mounts.MountPlan volumes = io.jnerd.mounts.MountPlan.EMPTY;
    public boolean detach;
    public boolean remove;
    public boolean interactive;
    /** -t: the process gets a pseudo-terminal (its stdout and stderr both go to it). */
    public boolean tty;
    /** --pull: "missing", "always" or "never". */
    public String pull = "missing";
    public String runtime = "io.containerd.runc.v2";
    /** For the runc v2 shim: the OCI runtime binary (runc, crun, or a path); null: the shim's default (runc). */
    public String runtimeBinary;
    /** Rootless: no cgroup path or limits (no delegation without systemd). */
    public boolean rootless;
}
