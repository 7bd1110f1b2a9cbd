package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.network.NetworkAttacher;
import io.jnerd.engine.network.NetworkAttachers;
import io.jnerd.mounts.HelperCommand;
import io.jnerd.mounts.MountException;
import io.jnerd.mounts.MountPlan;
import io.jnerd.mounts.MountRequest;
import io.jnerd.mounts.MountTranslator;
import io.jnerd.nativebindings.Arch;
import io.jnerd.netns.PortMapping;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.ProfileContext;
import io.jnerd.seccomp.profile.ProfileResolver;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run was asked for, checked once and then unchanged: the input of
 * {@link SpecBuilder} and {@link ContainerRunner}. Made by a {@link Builder} (the CLI's
 * flags, the Docker API's create body, the demo, benchmarks), whose {@link Builder#build()}
 * reports everything wrong with it before anything is made.
 *
 * @param entrypoint empty: the image's; a list, maybe empty ({@code --entrypoint ""}): that one
 * @param hostname empty: the container ID's first 12 characters
 * @param seccomp resolved for the container's capabilities (as docker does: runc would apply a
 *                capability-conditioned rule unconditionally); empty: unconfined
 * @param network the mode; a network mode adds its own notify rule to {@code seccomp} later
 * @param volumes -v / --mount translated for the runtime: spec mounts and createContainer hooks,
 *                and the warnings and decisions of the translation for the front door to show
 * @param tty -t: the process gets a pseudo-terminal (its stdout and stderr both go to it)
 * @param runtimeBinary for the runc v2 shim: the OCI runtime binary (runc, crun, or a path); empty: the shim's default
 * @param rootless no cgroup path or limits (no delegation without systemd)
 * @param stdinOnce with {@code interactive}: the container's stdin closes when the first
 *                  client attached to it ends its input (docker's StdinOnce, as docker run -i sets it)
 * @param restart docker's {@code --restart}: detached runs only, carried out by the network keeper
 */
public record RunSpec(
        String image,
        List<String> command,
        Optional<List<String>> entrypoint,
        List<String> env,
        Optional<String> workdir,
        Optional<String> user,
        Optional<String> name,
        Optional<String> hostname,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean readOnly,
        Optional<SeccompProfile> seccomp,
        boolean noNewPrivileges,
        List<String> capAdd,
        List<String> capDrop,
        NetworkAttacher network,
        List<PortMapping> ports,
        MountPlan volumes,
        boolean detach,
        boolean remove,
        boolean interactive,
        boolean tty,
        PullPolicy pull,
        String runtime,
        Optional<String> runtimeBinary,
        boolean rootless,
        boolean stdinOnce,
        RestartPolicy restart) {

    /** The containerd runtime jnerd uses unless told otherwise. */
    public static final String RUNC_V2 = "io.containerd.runc.v2";

    /** {@code --pull}: when the image is fetched from its registry. */
    public enum PullPolicy {
        /** Only when containerd lacks it (docker's default). */
        MISSING,
        /** Every time, even when containerd has it (also: verifying a signature, which lives in the registry). */
        ALWAYS,
        /** Never: containerd must have it. */
        NEVER;

        /** @throws JnerdException for anything but missing, always, never */
        public static PullPolicy parse(String value) {
            for (PullPolicy p : values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new JnerdException("invalid --pull policy '" + value + "' (missing, always or never)");
        }
    }

    public RunSpec {
        command = List.copyOf(command);
        entrypoint = entrypoint.map(List::copyOf);
        env = List.copyOf(env);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        capAdd = List.copyOf(capAdd);
        capDrop = List.copyOf(capDrop);
        ports = List.copyOf(ports);
    }

    public static Builder builder(String image) {
        return new Builder(image);
    }

    /**
     * Collects a run's settings; {@link #build()} checks them together. Defaults: the
     * image's command, no network ({@code none}; {@code jnerd run}'s default is
     * {@link NetworkAttachers#DEFAULT}), jnerd's default seccomp profile, no-new-privileges,
     * pull when missing, runc.
     */
    public static final class Builder {
        private final String image;
        private List<String> command = List.of();
        private Optional<List<String>> entrypoint = Optional.empty();
        private final List<String> env = new ArrayList<>();
        private Optional<String> workdir = Optional.empty();
        private Optional<String> user = Optional.empty();
        private Optional<String> name = Optional.empty();
        private Optional<String> hostname = Optional.empty();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private boolean readOnly;
        private boolean defaultSeccomp = true;
        private Optional<SeccompProfile> seccomp = Optional.empty();
        private boolean noNewPrivileges = true;
        private List<String> capAdd = List.of();
        private List<String> capDrop = List.of();
        private NetworkAttacher network = NetworkAttachers.of("none");
        private final List<PortMapping> ports = new ArrayList<>();
        private final List<MountRequest> mounts = new ArrayList<>();
        private boolean detach;
        private boolean remove;
        private RestartPolicy restart = RestartPolicy.NO;
        private boolean interactive;
        private boolean tty;
        private PullPolicy pull = PullPolicy.MISSING;
        private String runtime = RUNC_V2;
        private boolean rootless;
        private boolean stdinOnce;

        private Builder(String image) {
            this.image = image;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        /** {@code --entrypoint}: replaces the image's, and drops its Cmd too (docker's rule). */
        public Builder entrypoint(List<String> entrypoint) {
            this.entrypoint = Optional.of(entrypoint);
            return this;
        }

        /** One KEY=VALUE more; a later value for a key replaces an earlier one. */
        public Builder env(String keyValue) {
            env.add(keyValue);
            return this;
        }

        public Builder workdir(String workdir) {
            this.workdir = Optional.ofNullable(workdir);
            return this;
        }

        public Builder user(String user) {
            this.user = Optional.ofNullable(user);
            return this;
        }

        public Builder name(String name) {
            this.name = Optional.ofNullable(name);
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = Optional.ofNullable(hostname);
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels.putAll(labels);
            return this;
        }

        public Builder annotations(Map<String, String> annotations) {
            this.annotations.putAll(annotations);
            return this;
        }

        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** The profile to confine the container with instead of jnerd's default; empty: unconfined. */
        public Builder seccomp(Optional<SeccompProfile> seccomp) {
            this.defaultSeccomp = false;
            this.seccomp = seccomp;
            return this;
        }

        public Builder noNewPrivileges(boolean noNewPrivileges) {
            this.noNewPrivileges = noNewPrivileges;
            return this;
        }

        public Builder capabilities(List<String> add, List<String> drop) {
            this.capAdd = add;
            this.capDrop = drop;
            return this;
        }

        public Builder network(NetworkAttacher network) {
            this.network = network;
            return this;
        }

        public Builder ports(List<PortMapping> ports) {
            this.ports.addAll(ports);
            return this;
        }

        /** -v / --mount, parsed; {@link #build()} translates them for the runtime. */
        public Builder mounts(List<MountRequest> requests) {
            this.mounts.addAll(requests);
            return this;
        }

        /** @throws JnerdException a policy docker would not take */
        public Builder restart(String policy) {
            try {
                this.restart = RestartPolicy.parse(policy);
            } catch (IllegalArgumentException e) {
                throw new JnerdException(e.getMessage());
            }
            return this;
        }

        public Builder detach(boolean detach) {
            this.detach = detach;
            return this;
        }

        public Builder remove(boolean remove) {
            this.remove = remove;
            return this;
        }

        public Builder interactive(boolean interactive) {
            this.interactive = interactive;
            return this;
        }

        public Builder stdinOnce(boolean stdinOnce) {
            this.stdinOnce = stdinOnce;
            return this;
        }

        public Builder tty(boolean tty) {
            this.tty = tty;
            return this;
        }

        public Builder pull(PullPolicy pull) {
            this.pull = pull;
            return this;
        }

        /**
         * docker's and nerdctl's {@code --runtime}: runc (the default) and crun run under
         * containerd's runc v2 shim (crun as its binary), a path is such a binary too, and
         * {@code io.containerd.…} is a containerd runtime of its own.
         */
        public Builder runtime(String runtime) {
            this.runtime = runtime;
            return this;
        }

        public Builder rootless(boolean rootless) {
            this.rootless = rootless;
            return this;
        }

        /**
         * The settings, checked together: anything wrong is one line naming it, before
         * containerd is touched.
         *
         * @throws JnerdException what was wrong
         */
        public RunSpec build() {
            if (image == null || image.isBlank()) {
                throw new JnerdException("no image given");
            }
            for (String kv : env) {
                if (kv.indexOf('=') <= 0) {
                    throw new JnerdException("invalid environment variable: '" + kv + "' (expected KEY=VALUE)");
                }
            }
            if (workdir.isPresent() && !workdir.get().startsWith("/")) {
                throw new JnerdException("working directory must be absolute: " + workdir.get());
            }
            ProfileContext seccompContext = ProfileContext.forCapabilities(Capabilities.fromOptions(capAdd, capDrop));
            Optional<SeccompProfile> resolved = defaultSeccomp ? Optional.of(DefaultProfile.get(seccompContext))
                    : seccomp.map(p -> ProfileResolver.resolve(p, Arch.current(), seccompContext));
            for (String key : labels.keySet()) {
                // jnerd's own state (name, ports, exit code, ...) is kept in these: a user's would forge it.
                if (key.startsWith("io.jnerd/")) {
                    throw new JnerdException("label " + key + ": the io.jnerd/ prefix is jnerd's own");
                }
            }
            if (restart.name() != RestartPolicy.Name.NO && remove) {
                throw new JnerdException("conflicting options: cannot specify both --restart and --rm");
            }
            if (restart.name() != RestartPolicy.Name.NO && !detach) {
                // The keeper that restarts it holds detached containers only.
                throw new JnerdException("--restart=" + restart + " needs -d");
            }
            if (!ports.isEmpty() && !network.publishesPorts()) {
                throw new JnerdException("-p needs a network mode that publishes ports, not --net " + network.name());
            }
            Optional<String> runtimeBinary = runtimeBinary(runtime);
            String shim = runtime.startsWith("io.containerd.") ? runtime : RUNC_V2;
            MountPlan volumes = volumes(runtimeBinary.orElse("runc"));
            return new RunSpec(image, command, entrypoint, env, workdir, user, name, hostname, labels, annotations,
                    readOnly, resolved, noNewPrivileges, capAdd, capDrop, network, ports, volumes, detach, remove,
                    interactive, tty, pull, shim, runtimeBinary, rootless, stdinOnce, restart);
        }

        private static Optional<String> runtimeBinary(String runtime) {
            switch (runtime) {
                case RUNC_V2:
                case "runc":
                    return Optional.empty();
                case "crun":
                    return Optional.of("crun");
                default:
                    if (runtime.startsWith("/")) {
                        return Optional.of(runtime);
                    }
                    if (runtime.startsWith("io.containerd.")) {
                        return Optional.empty();
                    }
                    throw new JnerdException("unknown runtime '" + runtime
                            + "' (io.containerd.runc.v2, runc, crun, or a path)");
            }
        }

        /**
         * The mounts checked and translated for the OCI runtime before anything is made: a
         * missing source or an rro the kernel cannot give is one line.
         */
        private MountPlan volumes(String runtimeBinary) {
            if (mounts.isEmpty()) {
                return MountPlan.EMPTY;
            }
            try {
                return MountTranslator.forRuntime(runtimeBinary, HelperCommand.thisJvm()).translate(mounts);
            } catch (MountException e) {
                throw new JnerdException(e.getMessage());
            }
        }
    }
}
