package io.jnerd.cli.command;

import io.jnerd.cli.JnerdException;
import io.jnerd.cli.container.ContainerRunner;
import io.jnerd.cli.container.NetworkModes;
import io.jnerd.cli.container.RunSpec;
import io.jnerd.cli.image.Platform;
import io.jnerd.cli.registry.ManifestCheck;
import io.jnerd.mounts.HelperCommand;
import io.jnerd.mounts.MountException;
import io.jnerd.mounts.MountOptions;
import io.jnerd.mounts.MountPlan;
import io.jnerd.mounts.MountRequest;
import io.jnerd.mounts.MountTranslator;
import io.jnerd.proto.Containerd;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.InvalidProfileException;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.ProfileValidator;
import io.jnerd.proto.ContainerdAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd run}: docker run's flags, parsed into a {@link RunSpec} for {@link ContainerRunner}. */
@Command(name = "run", description = "Run a command in a new container")
public final class RunCommand extends ContainerdCommand {
    @Option(names = {"-d", "--detach"}, description = "run in the background and print the container ID")
    boolean detach;

    @Option(names = "--rm", description = "remove the container when it exits")
    boolean remove;

    @Option(names = {"-i", "--interactive"}, description = "keep stdin open (pass jnerd's stdin to the container)")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "allocate a pseudo-terminal (with -i: this terminal in raw mode)")
    boolean tty;

    @Option(names = "--name", paramLabel = "NAME", description = "container name")
    String name;

    @Option(names = {"-h", "--hostname"}, paramLabel = "NAME", description = "container host name (default: short ID)")
    String hostname;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]", description = "set an environment variable (KEY alone: take jnerd's)")
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "read KEY=VALUE lines from FILE")
    List<Path> envFiles = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory inside the container")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "user name or uid (and group) to run as")
    String user;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "override the image's entrypoint")
    String entrypoint;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "container label")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--annotation", paramLabel = "KEY=VALUE", description = "OCI runtime spec annotation")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Option(names = "--read-only", description = "mount the container's root filesystem read-only")
    boolean readOnly;

    @Option(names = "--security-opt", paramLabel = "OPT",
            description = "seccomp=PATH|unconfined (default: jnerd's default profile), no-new-privileges[=true|false]")
    List<String> securityOpts = new ArrayList<>();

    @Option(names = "--cap-add", paramLabel = "CAP", description = "add a Linux capability (or ALL)")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", paramLabel = "CAP", description = "drop a Linux capability (or ALL)")
    List<String> capDrop = new ArrayList<>();

    @Option(names = {"--net", "--network"}, paramLabel = "MODE",
            description = "network: slirp4netns (default: jnerd's equivalent of docker's bridge), pasta, bypass4netns "
                    + "(slirp4netns with TCP/UDP switched to host sockets; also nerdctl's --annotation "
                    + "nerdctl/bypass4netns=true), host or none")
    String network;

    @Option(names = "--bypass-ignore", paramLabel = "CIDR",
            description = "with bypass4netns: leave connections to CIDR in the container's network (repeatable)")
    List<String> bypassIgnore = new ArrayList<>();

    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOST:CONTAINER[/PROTO]", description = "publish a container port")
    List<String> publish = new ArrayList<>();

    @Option(names = {"-v", "--volume"}, paramLabel = "SRC:DST[:OPTS]",
            description = "bind mount; OPTS: ro (recursive where the kernel can), rro (recursive or fail), rw, "
                    + "[r]bind, [r]private|[r]shared|[r]slave")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--mount", paramLabel = "type=bind|tmpfs,...",
            description = "docker's --mount: type=bind,source=,target=,readonly,bind-recursive=,bind-propagation= "
                    + "or type=tmpfs,target=,tmpfs-size=,tmpfs-mode=")
    List<String> mounts = new ArrayList<>();

    @Option(names = "--pull", paramLabel = "POLICY", description = "missing (default), always or never")
    String pull = "missing";

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]", description = "use plain HTTP for this registry")
    List<String> insecure = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH", description = "image platform (default: the host's)")
    String platform;

    @Option(names = "--runtime", paramLabel = "RUNTIME",
            description = "io.containerd.runc.v2 (default), runc, crun, or a path to an OCI runtime binary")
    String runtime = "io.containerd.runc.v2";

    @Parameters(index = "0", paramLabel = "IMAGE", description = "image to run")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "command and arguments (default: the image's)")
    List<String> command = new ArrayList<>();

    @picocli.CommandLine.Mixin
    VerifyOptions verify = new VerifyOptions();

    private RunSpec spec;
    private Optional<ManifestCheck> verifier = Optional.empty();

    @Override
    void validate() throws IOException {
        spec = toRunSpec();
        verifier = verify.verifier(terminal());
        if (verify.enabled()) {
            // A signature lives in the registry: verifying means resolving the image there,
            // even when a copy is already in containerd.
            if (spec.pull.equals("never")) {
                throw new JnerdException("--verify=" + verify.verify + " needs the registry: not with --pull=never");
            }
            spec.pull = "always";
        }
    }

    @Override
    int call(Containerd containerd) throws IOException, InterruptedException {
        Platform p = platform == null ? Platform.host() : Platform.parse(platform);
        ContainerRunner.ImageFetcher fetcher = ref -> PullCommand.pull(containerd, ref, p, global().snapshotter(),
                insecure, terminal().env(), line -> { }, verifier);
        return new ContainerRunner(containerd, terminal(), global().stateDir(), global().snapshotter(), p, fetcher).run(spec);
    }

    /** Checks and translates the flags; everything wrong with them is reported before containerd is touched. */
    RunSpec toRunSpec() throws IOException {
        if (!pull.equals("missing") && !pull.equals("never") && !pull.equals("always")) {
            throw new JnerdException("invalid --pull policy '" + pull + "' (missing, always or never)");
        }
        RunSpec s = new RunSpec();
        s.image = image;
        s.command = command;
        s.entrypoint = entrypoint == null ? null : (entrypoint.isEmpty() ? List.of() : List.of(entrypoint));
        for (Path f : envFiles) {
            if (!Files.isRegularFile(f)) {
                throw new JnerdException("env file not found: " + f);
            }
            for (String line : Files.readAllLines(f)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    addEnv(s.env, l);
                }
            }
        }
        for (String e : env) {
            addEnv(s.env, e);
        }
        s.workdir = workdir;
        s.user = user;
        s.name = name;
        s.hostname = hostname;
        s.labels.putAll(labels);
        s.annotations.putAll(annotations);
        s.readOnly = readOnly;
        s.capAdd = capAdd;
        s.capDrop = capDrop;
        try {
            s.network = NetworkModes.resolve(network, annotations, labels, bypassSettings());
            for (String p : publish) {
                s.ports.addAll(io.jnerd.netns.PortMappingParser.parse(p));
            }
            io.jnerd.cli.container.Capabilities.compute(capAdd, capDrop);
            if (platform != null) {
                Platform.parse(platform);
            }
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        securityOptions(s);
        chooseRuntime(s);
        s.volumes = mountPlan(s);
        s.detach = detach;
        s.remove = remove;
        s.interactive = interactive;
        s.tty = tty;
        s.pull = pull;
        s.rootless = !ContainerdAddress.isRoot();
        return s;
    }

    private io.jnerd.cli.container.BypassNetwork.Settings bypassSettings() {
        Optional<Path> socket = io.jnerd.cli.container.BypassdSocket.find(terminal().env(), ContainerdAddress.isRoot());
        java.io.PrintStream err = terminal().err();
        return new io.jnerd.cli.container.BypassNetwork.Settings(bypassIgnore, socket,
                line -> { if (global().debug()) { err.println("jnerd: " + line); } });
    }

    private void securityOptions(RunSpec s) throws IOException {
        s.seccomp = ProfileJson.toTree(DefaultProfile.get());
        for (String opt : securityOpts) {
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            String value = eq < 0 ? "" : opt.substring(eq + 1);
            if (key.equals("seccomp") && value.equals("unconfined")) {
                s.seccomp = null;
            } else if (key.equals("seccomp") && !value.isEmpty()) {
                Path file = Path.of(value);
                if (!Files.isRegularFile(file)) {
                    throw new JnerdException("seccomp profile not found: " + value);
                }
                try {
                    s.seccomp = ProfileJson.toTree(ProfileValidator.validate(ProfileJson.read(file)));
                } catch (InvalidProfileException e) {
                    throw new JnerdException(e.getMessage(), e);
                }
            } else if (key.equals("no-new-privileges") && (value.isEmpty() || value.equals("true") || value.equals("false"))) {
                s.noNewPrivileges = !value.equals("false");
            } else {
                throw new JnerdException("unsupported --security-opt '" + opt
                        + "' (seccomp=PATH|unconfined, no-new-privileges[=true|false])");
            }
        }
    }

    private void addEnv(List<String> out, String kv) {
        if (kv.contains("=")) {
            out.add(kv);
            return;
        }
        String value = terminal().env().get(kv);
        if (value != null) {
            out.add(kv + "=" + value);
        }
    }

    /**
     * -v and --mount, checked and translated for the OCI runtime before anything is made:
     * a missing source or an rro the kernel cannot give is one line and exit 125.
     */
    private MountPlan mountPlan(RunSpec s) throws IOException {
        if (volumes.isEmpty() && mounts.isEmpty()) {
            return MountPlan.EMPTY;
        }
        Path cwd = Path.of("").toAbsolutePath();
        List<MountRequest> requests = new ArrayList<>();
        try {
            for (String v : volumes) {
                requests.add(MountOptions.parseVolume(v, cwd));
            }
            for (String m : mounts) {
                requests.add(MountOptions.parseMount(m, cwd));
            }
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        MountPlan plan;
        try {
            String runtimeBinary = s.runtimeBinary == null ? "runc" : s.runtimeBinary;
            plan = MountTranslator.forRuntime(runtimeBinary, HelperCommand.thisJvm()).translate(requests);
        } catch (MountException e) {
            throw new JnerdException(e.getMessage());
        }
        plan.warnings().forEach(w -> terminal().err().println("jnerd: warning: " + w));
        if (global().debug()) {
            plan.decisions().forEach(d -> terminal().err().println("jnerd: " + d));
        }
        return plan;
    }

    private void chooseRuntime(RunSpec s) {
        switch (runtime) {
            case "io.containerd.runc.v2":
            case "runc":
                s.runtime = "io.containerd.runc.v2";
                break;
            case "crun":
                s.runtime = "io.containerd.runc.v2";
                s.runtimeBinary = "crun";
                break;
            default:
                if (runtime.startsWith("/")) {
                    s.runtime = "io.containerd.runc.v2";
                    s.runtimeBinary = runtime;
                } else if (runtime.startsWith("io.containerd.")) {
                    s.runtime = runtime;
                } else {
                    throw new JnerdException("unknown runtime '" + runtime + "' (io.containerd.runc.v2, runc, crun, or a path)");
                }
        }
    }
}
