package io.jnerd.engine.rootless;

import io.jnerd.engine.JnerdException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ordinary user that root prepares for rootless jnerd and then runs jnerd as (the demo
 * user, the rootless test user): created with subordinate ids if missing, given the
 * {@code /run/user/UID} that logind would make, and a copy of jnerd's jar it can read (the
 * checkout may sit under /root). Root only.
 */
public final class UnprivilegedUser {
    private final String name;
    private final int uid;
    private final Path home;

    private UnprivilegedUser(String name, int uid, Path home) {
        this.name = name;
        this.uid = uid;
        this.home = home;
    }

    /** The user, created ({@code useradd -m}, which also allots subuids/subgids) when missing. */
    public static UnprivilegedUser ensure(String name, PrintStream out) throws IOException, InterruptedException {
        if (HostCommands.capture(List.of("id", "-u", name)).status() != 0) {
            HostCommands.run(List.of("useradd", "-m", "-s", "/bin/sh", name));
            out.println("created user " + name);
        }
        int uid = Integer.parseInt(HostCommands.run(List.of("id", "-u", name)).strip());
        String[] passwd = HostCommands.run(List.of("getent", "passwd", name)).strip().split(":");
        UnprivilegedUser user = new UnprivilegedUser(name, uid, Path.of(passwd[5]));
        user.ensureRuntimeDir();
        return user;
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public Path runtimeDir() {
        return Path.of("/run/user", Integer.toString(uid));
    }

    /** Without logind nobody makes /run/user/UID; rootless containerd and runc need it (0700, the user's). */
    private void ensureRuntimeDir() throws IOException, InterruptedException {
        Path dir = runtimeDir();
        if (!Files.isDirectory(dir)) {
            HostCommands.run(List.of("install", "-d", "-m", "0700", "-o", name, "-g", Integer.toString(gid()), dir.toString()));
        }
    }

    private int gid() throws IOException, InterruptedException {
        return Integer.parseInt(HostCommands.run(List.of("id", "-g", name)).strip());
    }

    /** Copies this jnerd's jar to {@code $XDG_RUNTIME_DIR/jnerd/jnerd.jar} of the user; returns a launcher for it. */
    public JnerdLauncher installJar(JnerdLauncher launcher) throws IOException, InterruptedException {
        Path dir = runtimeDir().resolve("jnerd");
        if (!Files.isDirectory(dir)) {
            HostCommands.run(List.of("install", "-d", "-m", "0700", "-o", name, "-g", Integer.toString(gid()), dir.toString()));
        }
        Path jar = dir.resolve("jnerd.jar");
        Files.copy(launcher.jar(), jar, StandardCopyOption.REPLACE_EXISTING);
        HostCommands.run(List.of("chown", name, jar.toString()));
        return launcher.withJar(jar);
    }

    /** {@code command} prefixed to run as this user with a login-like environment. */
    public List<String> asUser(List<String> command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", name, "--", "env", "-i"));
        for (Map.Entry<String, String> e : environment().entrySet()) {
            full.add(e.getKey() + "=" + e.getValue());
        }
        full.addAll(command);
        return full;
    }

    public Map<String, String> environment() {
        return Map.of("HOME", home.toString(), "USER", name, "LOGNAME", name,
                "XDG_RUNTIME_DIR", runtimeDir().toString(),
                "PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                "LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
    }

    /** /dev/net/tun must be usable by the user for slirp4netns; Debian makes it 0666, some images 0600. */
    public static void makeTunUsable(PrintStream out) throws IOException, InterruptedException {
        Path tun = Path.of("/dev/net/tun");
        if (!Files.exists(tun)) {
            HostCommands.run(List.of("modprobe", "tun"));
        }
        int mode = (Integer) Files.getAttribute(tun, "unix:mode") & 0777;
        if (mode != 0666) {
            HostCommands.run(List.of("chmod", "0666", tun.toString()));
            out.println("made /dev/net/tun usable by ordinary users (chmod 0666, was " + Integer.toOctalString(mode) + ")");
        }
    }
}
