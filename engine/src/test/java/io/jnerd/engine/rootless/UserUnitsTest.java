package io.jnerd.engine.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserUnitsTest {
    @Test
    void writesEveryUnitUnderTheUsersSystemdDir(@TempDir Path home) throws Exception {
        List<Path> units = new UserUnits(home, "/usr/bin/java -jar /opt/jnerd.jar").write();
        assertEquals(List.of(home.resolve(".config/systemd/user/jnerd-containerd.service"),
                home.resolve(".config/systemd/user/jnerd-bypassd.service"),
                home.resolve(".config/systemd/user/jnerd.socket"),
                home.resolve(".config/systemd/user/jnerd.service")), units);
        String containerd = Files.readString(units.get(0));
        assertTrue(containerd.contains("Type=forking\nPIDFile=%t/jnerd/rootlesskit.pid\n"), containerd);
        assertTrue(containerd.contains("ExecStart=/usr/bin/java -jar /opt/jnerd.jar rootless start\n"), containerd);
        assertTrue(containerd.contains("ExecStop=/usr/bin/java -jar /opt/jnerd.jar rootless stop\n"), containerd);
        String bypassd = Files.readString(units.get(1));
        assertTrue(bypassd.contains("ExecStart=/usr/bin/java -jar /opt/jnerd.jar bypassd\n"), bypassd);
        assertTrue(bypassd.contains("After=jnerd-containerd.service"), bypassd);
        String socket = Files.readString(units.get(2));
        assertTrue(socket.contains("ListenStream=%t/jnerd/docker.sock\nSocketMode=0600\n"), socket);
        String daemon = Files.readString(units.get(3));
        assertTrue(daemon.contains("ExecStart=/usr/bin/java -jar /opt/jnerd.jar daemon\n"), daemon);
        assertTrue(daemon.contains("Requires=jnerd.socket\n"), daemon);
    }
}
