package io.jnerd.cli.command;

import io.jnerd.cli.Main;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerRunner;
import io.jnerd.engine.container.RunSpec;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.engine.network.NetworkAttachers;
import io.jnerd.engine.registry.ImagePuller;
import io.jnerd.engine.registry.ManifestCheck;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.TransferEvents;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.mounts.MountOptions;
import io.jnerd.mounts.MountRequest;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.netns.bypassd.BypassdSocket;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import io.jnerd.seccomp.profile.InvalidProfileException;
import io.jnerd.seccomp.profile.ProfileJson;
import io.jnerd.seccomp.profile.ProfileValidator;
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

    @Option(names = "--restart", paramLabel = "POLICY", defaultValue = "no",
            description = "start it again when it exits: no, always, unless-stopped, on-failure[:N] (with -d)")
    String restart;

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
    String runtime = RunSpec.RUNC_V2;

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
        verifier = verify.verifier(terminal());
        spec = toRunSpec();
    }

    @Override
    int call(Containerd containerd) throws IOException, InterruptedException {
        Platform p = platform == null ? Platform.host() : Platform.parse(platform);
        ContainerRunner.Result result = new ContainerRunner(containerd, terminal(), global().stateDir(),
                global().snapshotter(), p, ref -> pull(containerd, ref, p), Main.class.getName()).run(spec);
        if (spec.detach()) {
            terminal().out().println(result.id());
        }
        return result.status();
    }

    /** {@code --pull}: the image from its registry, quietly (docker run shows no progress bars either). */
    private String pull(Containerd containerd, String image, Platform p) throws IOException {
        try {
            ImageRef ref = ImageRef.parse(image);
            new ImagePuller(containerd, RegistryClient.forImage(ref, insecure, terminal().env()), TransferEvents.NONE,
                    global().snapshotter()).pull(ref, p, verifier);
            return ref.toString();
        } catch (SignatureException | IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
    }

    /** Checks and translates the flags; everything wrong with them is reported before containerd is touched. */
    RunSpec toRunSpec() throws IOException {
        RunSpec.PullPolicy policy = RunSpec.PullPolicy.parse(pull);
        if (verify.enabled()) {
            // A signature lives in the registry: verifying means resolving the image there,
            // even when a copy is already in containerd.
            if (policy == RunSpec.PullPolicy.NEVER) {
                throw new JnerdException("--verify=" + verify.verify + " needs the registry: not with --pull=never");
            }
            policy = RunSpec.PullPolicy.ALWAYS;
        }
        RunSpec.Builder s = RunSpec.builder(image).command(command);
        if (entrypoint != null) {
            s.entrypoint(entrypoint.isEmpty() ? List.of() : List.of(entrypoint));
        }
        for (Path f : envFiles) {
            if (!Files.isRegularFile(f)) {
                throw new JnerdException("env file not found: " + f);
            }
            for (String line : Files.readAllLines(f)) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    addEnv(s, l);
                }
            }
        }
        for (String e : env) {
            addEnv(s, e);
        }
        s.workdir(workdir).user(user).name(name).hostname(hostname).labels(labels).annotations(annotations)
                .readOnly(readOnly).capabilities(capAdd, capDrop);
        try {
            s.network(NetworkAttachers.resolve(network, annotations, labels, bypassSettings()));
            for (String p : publish) {
                s.ports(PortMappingParser.parse(p));
            }
            if (platform != null) {
                Platform.parse(platform);
            }
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
        securityOptions(s);
        RunSpec spec = s.runtime(runtime).mounts(mountRequests()).detach(detach).remove(remove).restart(restart)
                .interactive(interactive).tty(tty).pull(policy).rootless(!ContainerdAddress.isRoot()).build();
        spec.volumes().warnings().forEach(w -> terminal().err().println("jnerd: warning: " + w));
        if (global().debug()) {
            spec.volumes().decisions().forEach(d -> terminal().err().println("jnerd: " + d));
        }
        return spec;
    }

    private BypassNetwork.Settings bypassSettings() {
        Optional<Path> socket = BypassdSocket.find(terminal().env(), ContainerdAddress.isRoot());
        java.io.PrintStream err = terminal().err();
        return new BypassNetwork.Settings(bypassIgnore, socket,
                line -> { if (global().debug()) { err.println("jnerd: " + line); } });
    }

    /**
     * {@code --security-opt}: seccomp=unconfined or seccomp=PATH instead of jnerd's default
     * profile (the engine resolves either for the container's capabilities), and
     * no-new-privileges.
     */
    private void securityOptions(RunSpec.Builder s) throws IOException {
        for (String opt : securityOpts) {
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            String value = eq < 0 ? "" : opt.substring(eq + 1);
            if (key.equals("seccomp") && value.equals("unconfined")) {
                s.seccomp(Optional.empty());
            } else if (key.equals("seccomp") && !value.isEmpty()) {
                Path file = Path.of(value);
                if (!Files.isRegularFile(file)) {
                    throw new JnerdException("seccomp profile not found: " + value);
                }
                try {
                    s.seccomp(Optional.of(ProfileValidator.validate(ProfileJson.read(file))));
                } catch (InvalidProfileException e) {
                    throw new JnerdException(e.getMessage(), e);
                }
            } else if (key.equals("no-new-privileges") && (value.isEmpty() || value.equals("true") || value.equals("false"))) {
                s.noNewPrivileges(!value.equals("false"));
            } else {
                throw new JnerdException("unsupported --security-opt '" + opt
                        + "' (seccomp=PATH|unconfined, no-new-privileges[=true|false])");
            }
        }
    }

    private void addEnv(RunSpec.Builder s, String kv) {
        if (kv.contains("=")) {
            s.env(kv);
            return;
        }
        String value = terminal().env().get(kv);
        if (value != null) {
            s.env(kv + "=" + value);
        }
    }

    /** -v and --mount parsed; the engine translates them for the runtime. */
    private List<MountRequest> mountRequests() {
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
        return requests;
    }
}
