package io.jnerd.engine.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RootlessContainerdTest {

    private final RootlessPaths paths = new RootlessPaths(Path.of("/run/user/1000"), Path.of("/home/ann"));

    @Test
    void layoutFollowsNerdctlSoOtherClientsFindTheSameContainerd() {
        assertEquals(Path.of("/run/user/1000/containerd/containerd.sock"), paths.containerdSocket());
        assertEquals(Path.of("/home/ann/.local/share/containerd"), paths.containerdRoot());
        assertEquals(Path.of("/run/user/1000/jnerd/rootlesskit/child_pid"), paths.childPidFile());
    }

    @Test
    void configPointsContainerdAtTheUsersDirectoriesWithoutCri() {
        String toml = new RootlessContainerd(paths).containerdConfig();
        assertTrue(toml.contains("root = \"/home/ann/.local/share/containerd\""), toml);
        assertTrue(toml.contains("state = \"/run/user/1000/containerd\""), toml);
        assertTrue(toml.contains("address = \"/run/user/1000/containerd/containerd.sock\""), toml);
        assertTrue(toml.contains("address = \"/run/user/1000/containerd/containerd.sock.ttrpc\""), toml);
        assertTrue(toml.contains("disabled_plugins = [\"io.containerd.grpc.v1.cri\"]"), toml);
    }

    @Test
    void childBindsStateOntoRunContainerdThenExecsContainerd() {
        List<String> cmd = new RootlessContainerd(paths).command();
        assertEquals(List.of("setsid", "rootlesskit"), cmd.subList(0, 2));
        assertTrue(cmd.contains("--net=host"), cmd.toString());
        assertTrue(cmd.contains("--copy-up=/etc") && cmd.contains("--copy-up=/run"), cmd.toString());
        String script = cmd.get(cmd.indexOf("-c") + 1);
        assertTrue(script.indexOf("mount --bind") < script.indexOf("exec containerd"), script);
        assertEquals(List.of("/run/user/1000/containerd", "/run/user/1000/jnerd/containerd.toml"),
                cmd.subList(cmd.size() - 2, cmd.size()));
    }

    @Test
    void missingRuntimeDirSaysHowToMakeOne() {
        RootlessException e = assertThrows(RootlessException.class, () -> RootlessPaths.fromEnvironment(Map.of()));
        assertTrue(e.getMessage().startsWith("XDG_RUNTIME_DIR is not set: as root run `mkdir -m 0700"), e.getMessage());
    }

    @Test
    void checkReportsMissingBinariesWithTheirPackage() {
        RootlessRequirements r = new RootlessRequirements("ann", 1000, Map.of("PATH", "/nonexistent"));
        List<RootlessRequirements.Check> checks = r.run();
        RootlessRequirements.Check kit = checks.stream().filter(c -> c.name().equals("rootlesskit")).findFirst().orElseThrow();
        assertEquals("✗ rootlesskit: not installed: as root: apt-get install -y rootlesskit", kit.line());
        RootlessRequirements.Check xdg = checks.stream().filter(c -> c.name().equals("XDG_RUNTIME_DIR")).findFirst().orElseThrow();
        assertFalse(xdg.ok());
        assertTrue(xdg.line().startsWith("✗ XDG_RUNTIME_DIR: XDG_RUNTIME_DIR is not set"), xdg.line());
        assertFalse(RootlessRequirements.allOk(checks));
    }
}
