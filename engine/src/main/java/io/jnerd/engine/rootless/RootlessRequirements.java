package io.jnerd.engine.rootless;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What rootless jnerd needs from the machine, each checked on its own and reported with
 * the exact command that fixes it ({@code jnerd rootless check}).
 */
public final class RootlessRequirements {

    /** One line of the check: ✓ or ✗, what, and for ✗ how to fix it. */
    public record Check(String name, boolean ok, String detail) {
        public String line() {
            return (ok ? "✓ " : "✗ ") + name + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private static final List<String> BINARIES = List.of("rootlesskit", "slirp4netns", "containerd", "runc", "nsenter");

    private final String user;
    private final int uid;
    private final Map<String, String> env;

    public RootlessRequirements(String user, int uid, Map<String, String> env) {
        this.user = user;
        this.uid = uid;
        this.env = env;
    }

    public static RootlessRequirements forCurrentUser() {
        return new RootlessRequirements(System.getProperty("user.name"), RootlessPaths.currentUid(), System.getenv());
    }

    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        checks.add(notRoot());
        checks.add(subIds("/etc/subuid", "subuid", "--add-subuids"));
        checks.add(subIds("/etc/subgid", "subgid", "--add-subgids"));
        checks.add(idMapper("newuidmap"));
        checks.add(idMapper("newgidmap"));
        checks.add(userNamespaces());
        checks.add(tun());
        for (String b : BINARIES) {
            checks.add(binary(b));
        }
        checks.add(runtimeDir());
        return checks;
    }

    public static boolean allOk(List<Check> checks) {
        return checks.stream().allMatch(Check::ok);
    }

    private Check notRoot() {
        return uid == 0
                ? new Check("ordinary user", false, "running as root: rootless mode is for an unprivileged user")
                : new Check("ordinary user", true, user + " (uid " + uid + ")");
    }

    /** newuidmap maps at most what /etc/subuid grants; containers need 65536 ids. */
    private Check subIds(String file, String what, String usermodFlag) {
        String fix = "as root: usermod " + usermodFlag + " 100000-165535 " + user;
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.split(":");
                if (f.length == 3 && (f[0].equals(user) || f[0].equals(Integer.toString(uid)))) {
                    long count = Long.parseLong(f[2].trim());
                    return count >= 65536
                            ? new Check(what, true, f[1] + "+" + count)
                            : new Check(what, false, "only " + count + " ids (65536 needed): " + fix);
                }
            }
            return new Check(what, false, "no range for " + user + " in " + file + ": " + fix);
        } catch (IOException | NumberFormatException e) {
            return new Check(what, false, "cannot read " + file + " (" + e.getMessage() + "): " + fix);
        }
    }

    /** newuidmap must be setuid root (or carry CAP_SETUID) to write a multi-range map. */
    private Check idMapper(String name) {
        Optional<Path> p = onPath(name);
        if (p.isEmpty()) {
            return new Check(name, false, "not installed: as root: apt-get install -y uidmap");
        }
        try {
            boolean setuid = Files.getOwner(p.get()).getName().equals("root")
                    && ((Integer) Files.getAttribute(p.get(), "unix:mode") & 04000) != 0;
            return setuid ? new Check(name, true, p.get().toString())
                    : new Check(name, true, p.get() + " (not setuid: relies on file capabilities)");
        } catch (IOException e) {
            return new Check(name, false, "cannot stat " + p.get() + ": " + e.getMessage());
        }
    }

    private Check userNamespaces() {
        String max = read("/proc/sys/user/max_user_namespaces").orElse("");
        if (max.equals("0")) {
            return new Check("user namespaces", false, "disabled: as root: sysctl -w user.max_user_namespaces=28633");
        }
        // Debian kernels before 6.1 gate unprivileged user namespaces behind this sysctl.
        if (read("/proc/sys/kernel/unprivileged_userns_clone").orElse("1").equals("0")) {
            return new Check("user namespaces", false,
                    "unprivileged ones are off: as root: sysctl -w kernel.unprivileged_userns_clone=1");
        }
        // Ubuntu 23.10+ lets only programs with an AppArmor "userns" rule create them.
        if (read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").orElse("0").equals("1")
                && !Files.exists(Path.of("/etc/apparmor.d/usr.bin.rootlesskit"))) {
            return new Check("user namespaces", false, "AppArmor restricts them and rootlesskit has no profile:"
                    + " as root: write /etc/apparmor.d/usr.bin.rootlesskit with a `userns,` rule and apparmor_parser -r it");
        }
        return new Check("user namespaces", true, "max " + (max.isEmpty() ? "?" : max));
    }

    /** slirp4netns opens /dev/net/tun inside the container's namespace as this user. */
    private Check tun() {
        Path tun = Path.of("/dev/net/tun");
        if (!Files.exists(tun)) {
            return new Check("/dev/net/tun", false, "missing: as root: modprobe tun");
        }
        if (Files.isReadable(tun) && Files.isWritable(tun)) {
            return new Check("/dev/net/tun", true, "usable");
        }
        String mode = "";
        try {
            mode = " (mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(tun)) + ")";
        } catch (IOException e) {
            // the mode is only decoration for the message
        }
        return new Check("/dev/net/tun", false, "not usable by uid " + uid + mode + ": as root: chmod 0666 /dev/net/tun");
    }

    private Check binary(String name) {
        return onPath(name).map(p -> new Check(name, true, p.toString()))
                .orElseGet(() -> new Check(name, false, "not installed: as root: apt-get install -y " + debianPackage(name)));
    }

    private Check runtimeDir() {
        try {
            RootlessPaths paths = RootlessPaths.fromEnvironment(env);
            paths.checkRuntimeDir();
            return new Check("XDG_RUNTIME_DIR", true, paths.runtimeDir().toString());
        } catch (RootlessException | IOException e) {
            return new Check("XDG_RUNTIME_DIR", false, e.getMessage());
        }
    }

    private static String debianPackage(String binary) {
        return binary.equals("nsenter") ? "util-linux" : binary;
    }

    private Optional<Path> onPath(String name) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> read(String file) {
        return Optional.ofNullable(io.jnerd.nativebindings.KernelFeatures.sysctl(Path.of(file)));
    }
}
