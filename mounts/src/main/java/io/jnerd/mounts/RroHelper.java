package io.jnerd.mounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The process that makes jnerd's own recursive mounts. It is a separate main so that mount
 * syscalls never run in the long-lived JVM in the host namespace: it is started in a mount
 * namespace that may be changed (a private one, the rootless child's, or a container's).
 *
 * <pre>
 * RroHelper bind     [--attrs A,B] [--propagation P] SOURCE TARGET
 * RroHelper apply    [--attrs A,B] [--propagation P] MOUNTPOINT
 * RroHelper oci-hook [--attrs A,B] [--propagation P] DESTINATION...
 * </pre>
 *
 * Attributes are {@link RecursiveAttribute} names (rdonly, nosuid, nodev, noexec, …),
 * default {@code rdonly}. Propagation is an option name ({@code rprivate}, …); without it
 * {@code bind} makes the copy rprivate (a clone of a shared mount would otherwise join its
 * peer group and receive new, writable submounts) and the other modes leave it unchanged.
 *
 * <p>{@code oci-hook} is an OCI {@code createContainer} hook (see {@link OciHook}): the
 * runtime runs it in the container's mount namespace after the mounts are made and before
 * pivot_root, with the container state on stdin. It finds the rootfs from the state's
 * bundle and its config.json and applies the attributes to each DESTINATION, resolved in
 * the rootfs as the runtime resolved it ({@link RootfsPath}).
 * This is how jnerd gives {@code rro} to a runtime that cannot make it itself, rootful and
 * rootless alike (a rootless runtime runs the hook inside the container's user namespace,
 * where making a mount more restrictive is allowed).
 *
 * <p>Exit status 0, or 1 with one line on stderr; 2 for a bad command line.
 */
public final class RroHelper {

    private static final String USAGE = "usage: RroHelper bind|apply|oci-hook [--attrs A,B] [--propagation P] PATH...";

    private RroHelper() {}

    public static void main(String[] args) {
        Command command;
        try {
            command = Command.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("jnerd rro helper: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            command.run(System.in);
        } catch (IOException e) {
            System.err.println("jnerd rro helper: " + e.getMessage());
            System.exit(1);
        }
    }

    /** A parsed command line. */
    static final class Command {
        final String mode;
        final Set<RecursiveAttribute> attributes;
        final Propagation propagation;
        final List<String> paths;

        private Command(String mode, Set<RecursiveAttribute> attributes, Propagation propagation, List<String> paths) {
            this.mode = mode;
            this.attributes = attributes;
            this.propagation = propagation;
            this.paths = paths;
        }

        static Command parse(String[] args) {
            if (args.length == 0) {
                throw new IllegalArgumentException("no mode given");
            }
            String mode = args[0];
            Set<RecursiveAttribute> attributes = EnumSet.of(RecursiveAttribute.RDONLY);
            Propagation propagation = null;
            List<String> paths = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--attrs":
                        attributes = parseAttributes(valueOf(args, ++i, "--attrs"));
                        break;
                    case "--propagation":
                        String p = valueOf(args, ++i, "--propagation");
                        propagation = Propagation.byOption(p)
                                .orElseThrow(() -> new IllegalArgumentException("unknown propagation \"" + p + "\""));
                        break;
                    default:
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        paths.add(args[i]);
                }
            }
            int wanted;
            switch (mode) {
                case "bind":
                    wanted = 2;
                    break;
                case "apply":
                    wanted = 1;
                    break;
                case "oci-hook":
                    wanted = -1;
                    break;
                default:
                    throw new IllegalArgumentException("unknown mode \"" + mode + "\"");
            }
            if (wanted >= 0 ? paths.size() != wanted : paths.isEmpty()) {
                throw new IllegalArgumentException(mode + ": wrong number of paths: " + paths);
            }
            if (propagation == null && mode.equals("bind")) {
                propagation = Propagation.RPRIVATE;
            }
            return new Command(mode, attributes, propagation, paths);
        }

        void run(InputStream stdin) throws IOException {
            switch (mode) {
                case "bind":
                    RecursiveBind.bind(Path.of(paths.get(0)), Path.of(paths.get(1)), attributes, propagation);
                    break;
                case "apply":
                    RecursiveBind.apply(Path.of(paths.get(0)), attributes, propagation);
                    break;
                default:
                    Path rootfs = rootfsFromState(stdin);
                    for (String destination : paths) {
                        RecursiveBind.apply(RootfsPath.resolve(rootfs, destination), attributes, propagation);
                    }
            }
        }

        private static String valueOf(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static Set<RecursiveAttribute> parseAttributes(String list) {
            Set<RecursiveAttribute> attributes = EnumSet.noneOf(RecursiveAttribute.class);
            for (String name : list.split(",")) {
                attributes.add(RecursiveAttribute.byHelperName(name)
                        .orElseThrow(() -> new IllegalArgumentException("unknown attribute \"" + name + "\"")));
            }
            RecursiveAttribute.toAttr(attributes, null); // rejects two access-time values now, not after mounting
            return attributes;
        }
    }

    /**
     * The container's rootfs: the OCI state (stdin) names the bundle, whose config.json
     * names root.path, absolute or relative to the bundle.
     */
    static Path rootfsFromState(InputStream state) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode bundle;
        try {
            bundle = json.readTree(state).path("bundle");
        } catch (JsonProcessingException e) {
            throw new MountException("oci-hook: the container state on stdin is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!bundle.isTextual() || bundle.asText().isEmpty()) {
            throw new MountException("oci-hook: the container state on stdin has no \"bundle\"");
        }
        Path bundleDir = Path.of(bundle.asText());
        JsonNode root = json.readTree(bundleDir.resolve("config.json").toFile()).path("root").path("path");
        if (!root.isTextual() || root.asText().isEmpty()) {
            throw new MountException("oci-hook: " + bundleDir.resolve("config.json") + " has no root.path");
        }
        return bundleDir.resolve(root.asText());
    }
}
