package io.jnerd.engine.container;

import io.jnerd.engine.network.NetworkModes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecBuilderTest {
    private static JsonNode image(String configJson) {
        return Json.parse(("{\"config\":" + configJson + "}").getBytes(StandardCharsets.UTF_8), "test");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void argsFollowDockersEntrypointAndCmdRules() {
        JsonNode c = image("{\"Entrypoint\":[\"/ep\"],\"Cmd\":[\"a\"]}").path("config");
        RunSpec run = new RunSpec();
        assertEquals(List.of("/ep", "a"), SpecBuilder.args(c, run));
        run.command = List.of("b");
        assertEquals(List.of("/ep", "b"), SpecBuilder.args(c, run));
        run.entrypoint = List.of("/other");
        run.command = List.of();
        assertEquals(List.of("/other"), SpecBuilder.args(c, run), "--entrypoint drops the image's Cmd");
        RunSpec none = new RunSpec();
        none.entrypoint = List.of();
        JnerdException e = assertThrows(JnerdException.class, () -> SpecBuilder.args(c, none));
        assertTrue(e.getMessage().contains("no command"));
    }

    @Test
    void envMergesInOrderAndAlwaysHasPath() {
        RunSpec run = new RunSpec();
        run.env = List.of("B=2", "A=override");
        run.hostname = "h";
        List<String> env = SpecBuilder.env(image("{\"Env\":[\"A=1\"]}").path("config"), run);
        assertEquals(List.of("A=override", "B=2", SpecBuilder.DEFAULT_PATH, "HOSTNAME=h"), env);
    }

    @Test
    void specHasContainerdsDefaultsAndTheFlags() {
        RunSpec run = new RunSpec();
        run.hostname = "box";
        run.readOnly = true;
        run.capDrop = List.of("ALL");
        run.capAdd = List.of("net_bind_service");
        run.annotations.put("k", "v");
        ObjectNode spec = SpecBuilder.build(image("{\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\"}"), run,
                new ProcessUser(5, 6, List.of(7L)), "/ns/id");
        JsonNode p = spec.path("process");
        assertEquals(List.of("sh"), texts(p.path("args")));
        assertEquals("/w", p.path("cwd").asText());
        assertEquals(5, p.path("user").path("uid").asInt());
        assertEquals(6, p.path("user").path("gid").asInt());
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), texts(p.path("capabilities").path("bounding")));
        assertTrue(p.path("noNewPrivileges").asBoolean());
        assertTrue(spec.path("root").path("readonly").asBoolean());
        assertEquals("box", spec.path("hostname").asText());
        assertEquals("v", spec.path("annotations").path("k").asText());
        List<String> destinations = new ArrayList<>();
        spec.path("mounts").forEach(m -> destinations.add(m.path("destination").asText()));
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"), destinations);
        assertEquals("/ns/id", spec.path("linux").path("cgroupsPath").asText());
        assertTrue(texts(spec.path("linux").path("maskedPaths")).contains("/proc/kcore"));
        assertTrue(texts(spec.path("linux").path("readonlyPaths")).contains("/proc/sys"));

        run.rootless = true;
        ObjectNode rootless = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), run, new ProcessUser(0, 0, List.of()), "/ns/id");
        assertTrue(rootless.path("linux").path("cgroupsPath").isMissingNode(), "no cgroup without delegation");
    }

    @Test
    void networkModesAddOrShareTheNamespace() throws Exception {
        RunSpec run = new RunSpec();
        ObjectNode none = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), run, new ProcessUser(0, 0, List.of()), "/x");
        NetworkModes.of("none").configure(none, null);
        assertTrue(none.path("linux").path("namespaces").findValuesAsText("type").contains("network"));
        ObjectNode host = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), run, new ProcessUser(0, 0, List.of()), "/x");
        NetworkModes.of("host").configure(host, null);
        assertTrue(!host.path("linux").path("namespaces").findValuesAsText("type").contains("network"));
        assertTrue(host.path("mounts").findValuesAsText("destination").contains("/etc/resolv.conf"));
    }

    @Test
    void capabilityNamesAndAll() {
        assertEquals(Capabilities.DEFAULT, Capabilities.compute(List.of(), List.of()));
        assertTrue(Capabilities.compute(List.of("ALL"), List.of()).contains("CAP_SYS_ADMIN"));
        assertEquals(List.of(), Capabilities.compute(List.of(), List.of("all")));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.compute(List.of("CAP_FLY"), List.of()));
    }

    @Test
    void usersFromPasswdAndGroup() {
        String passwd = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
        String group = "root:x:0:\napp:x:1000:\nwheel:x:10:app,other\n";
        UserResolver users = new UserResolver(path -> Optional.of(path.equals("/etc/passwd") ? passwd : group));
        ProcessUser app = users.resolve("app");
        assertEquals(1000, app.uid());
        assertEquals(1000, app.gid());
        assertEquals(List.of(10L), app.additionalGids());
        assertEquals(0, users.resolve("").uid());
        ProcessUser numeric = users.resolve("1000");
        assertEquals(1000, numeric.gid(), "a known uid takes its passwd gid");
        ProcessUser unknownUid = users.resolve("4242");
        assertEquals(4242, unknownUid.uid());
        assertEquals(0, unknownUid.gid());
        assertEquals(10, users.resolve("app:wheel").gid());
        assertThrows(JnerdException.class, () -> users.resolve("ghost"));
        assertThrows(JnerdException.class, () -> users.resolve("app:ghosts"));
    }

    @Test
    void startFailuresMapToDockersExitCodes() {
        assertEquals(127, StartFailure.exitCode("exec: \"x\": executable file not found in $PATH"));
        assertEquals(126, StartFailure.exitCode("exec: \"/etc/passwd\": permission denied"));
        assertEquals(125, StartFailure.exitCode("cgroups: cannot find cgroup mount destination"));
    }
}
