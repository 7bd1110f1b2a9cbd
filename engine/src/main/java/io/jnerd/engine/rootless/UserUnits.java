package io.jnerd.engine.rootless;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd user units for rootless jnerd ({@code jnerd rootless install}): one for
 * containerd inside rootlesskit, one for {@code jnerd bypassd}, and a socket + service for
 * {@code jnerd daemon} (started by the first docker client). Each unit runs the same jnerd
 * (java + jar) that wrote it, so an upgrade needs a re-install.
 */
public final class UserUnits {
    public static final String CONTAINERD_UNIT = "jnerd-containerd.service";
    public static final String BYPASSD_UNIT = "jnerd-bypassd.service";
    /** systemd listens for jnerd daemon where the docker CLI is pointed (DOCKER_HOST). */
    public static final String DAEMON_SOCKET = "jnerd.socket";
    public static final String DAEMON_UNIT = "jnerd.service";

    private final Path unitDir;
    private final String jnerd;

    /** {@code jnerd}: the command line that starts jnerd, already shell-quoted. */
    public UserUnits(Path home, String jnerd) {
        this.unitDir = home.resolve(".config/systemd/user");
        this.jnerd = jnerd;
    }

    /** Writes every unit; returns their paths. */
    public List<Path> write() throws IOException {
        Files.createDirectories(unitDir);
        List<Path> written = new ArrayList<>();
        written.add(write(CONTAINERD_UNIT, containerdUnit()));
        written.add(write(BYPASSD_UNIT, bypassdUnit()));
        written.add(write(DAEMON_SOCKET, daemonSocket()));
        written.add(write(DAEMON_UNIT, daemonUnit()));
        return written;
    }

    String containerdUnit() {
        return String.join("\n",
                "# Written by jnerd rootless install.",
                "[Unit]",
                "Description=containerd inside rootlesskit for jnerd (rootless)",
                "",
                "[Service]",
                // `jnerd rootless start` puts rootlesskit in the background and returns once
                // containerd answers: that is a forking service whose main pid is in the pid file.
                "Type=forking",
                "PIDFile=%t/jnerd/rootlesskit.pid",
                "ExecStart=" + jnerd + " rootless start",
                "ExecStop=" + jnerd + " rootless stop",
                "Restart=on-failure",
                "Delegate=yes",
                "",
                "[Install]",
                "WantedBy=default.target",
                "");
    }

    String bypassdUnit() {
        return String.join("\n",
                "# Written by jnerd rootless install.",
                "[Unit]",
                "Description=jnerd bypassd (bypass4netnsd REST API for rootless containers)",
                "After=" + CONTAINERD_UNIT,
                "",
                "[Service]",
                // bypassd keeps each container's seccomp listener in the unit's fd store, so a
                // restart keeps the containers' bypasses (contrib/systemd/jnerd-bypassd.service).
                "Type=notify",
                "NotifyAccess=main",
                "ExecStart=" + jnerd + " bypassd",
                "Restart=on-failure",
                "FileDescriptorStoreMax=4096",
                "FileDescriptorStorePreserve=yes",
                "KillMode=process",
                "",
                "[Install]",
                "WantedBy=default.target",
                "");
    }

    String daemonSocket() {
        return String.join("\n",
                "# Written by jnerd rootless install. DOCKER_HOST=unix://$XDG_RUNTIME_DIR/jnerd/docker.sock",
                "[Unit]",
                "Description=jnerd daemon socket (Docker Engine API)",
                "",
                "[Socket]",
                "ListenStream=%t/jnerd/docker.sock",
                "SocketMode=0600",
                "DirectoryMode=0700",
                "",
                "[Install]",
                "WantedBy=sockets.target",
                "");
    }

    String daemonUnit() {
        return String.join("\n",
                "# Written by jnerd rootless install; started by " + DAEMON_SOCKET + ", it serves the socket systemd passes.",
                "[Unit]",
                "Description=jnerd daemon (Docker Engine API over rootless containerd)",
                "Requires=" + DAEMON_SOCKET,
                "After=" + DAEMON_SOCKET + " " + CONTAINERD_UNIT,
                "",
                "[Service]",
                "ExecStart=" + jnerd + " daemon",
                "Restart=on-failure",
                // Containers outlive the daemon (containerd's shims own them).
                "KillMode=process",
                "");
    }

    private Path write(String name, String text) throws IOException {
        Path p = unitDir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
