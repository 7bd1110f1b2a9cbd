package io.jnerd.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.engine.network.ContainerContext;
import io.jnerd.engine.network.NetworkAttacher;
import io.jnerd.engine.network.NetworkAttachers;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        assertEquals(List.of("/ep", "a"), SpecBuilder.args(c, RunSpec.builder("img").build()));
        assertEquals(List.of("/ep", "b"), SpecBuilder.args(c, RunSpec.builder("img").command(List.of("b")).build()));
        assertEquals(List.of("/other"), SpecBuilder.args(c, RunSpec.builder("img").entrypoint(List.of("/other")).build()),
                "--entrypoint drops the image's Cmd");
        RunSpec none = RunSpec.builder("img").entrypoint(List.of()).build();
        JnerdException e = assertThrows(JnerdException.class, () -> SpecBuilder.args(c, none));
        assertTrue(e.getMessage().contains("no command"));
    }

    @Test
    void envMergesInOrderAndAlwaysHasPath() {
        RunSpec run = RunSpec.builder("img").env("B=2").env("A=override").build();
        List<String> env = SpecBuilder.env(image("{\"Env\":[\"A=1\"]}").path("config"), run, "h");
        assertEquals(List.of("A=override", "B=2", SpecBuilder.DEFAULT_PATH, "HOSTNAME=h"), env);
    }

    @Test
    void specHasContainerdsDefaultsAndTheFlags() {
        RunSpec.Builder builder = RunSpec.builder("img").readOnly(true)
                .capabilities(List.of("net_bind_service"), List.of("ALL")).annotations(Map.of("k", "v"));
        RunSpec run = builder.build();
        ObjectNode spec = SpecBuilder.build(image("{\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\"}"), run, "box",
                new ProcessUser(5, 6, List.of(7L)), Optional.empty(), "/ns/id");
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

        assertTrue(spec.path("linux").path("seccomp").isMissingNode(), "unconfined");
        ObjectNode rootless = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), builder.rootless(true).build(), "box",
                new ProcessUser(0, 0, List.of()), Optional.empty(), "/ns/id");
        assertTrue(rootless.path("linux").path("cgroupsPath").isMissingNode(), "no cgroup without delegation");
    }

    @Test
    void networkModesAddOrShareTheNamespace() throws Exception {
        RunSpec run = RunSpec.builder("img").build();
        ObjectNode none = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), run, "h", new ProcessUser(0, 0, List.of()),
                Optional.empty(), "/x");
        NetworkAttachers.of("none").configure(none, null);
        assertTrue(none.path("linux").path("namespaces").findValuesAsText("type").contains("network"));
        ObjectNode host = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), run, "h", new ProcessUser(0, 0, List.of()),
                Optional.empty(), "/x");
        NetworkAttachers.of("host").configure(host, null);
        assertTrue(!host.path("linux").path("namespaces").findValuesAsText("type").contains("network"));
        assertTrue(host.path("mounts").findValuesAsText("destination").contains("/etc/resolv.conf"));
    }

    @Test
    void theSeccompProfileIsWrittenFromItsTypedForm() {
        ObjectNode spec = SpecBuilder.build(image("{\"Cmd\":[\"sh\"]}"), RunSpec.builder("img").build(), "h",
                new ProcessUser(0, 0, List.of()), Optional.of(DefaultProfile.get()), "/x");
        JsonNode seccomp = spec.path("linux").path("seccomp");
        assertEquals("SCMP_ACT_ERRNO", seccomp.path("defaultAction").asText());
        assertTrue(seccomp.path("syscalls").size() > 0);
    }

    @Test
    void bypass4netnsAddsItsNotifyRuleToTheTypedProfileEvenWhenUnconfined() {
        NetworkAttacher bypass = NetworkAttachers.resolve("bypass4netns", Map.of(), Map.of(),
                new BypassNetwork.Settings(List.of(), Optional.empty(), line -> { }));
        ContainerContext context = new ContainerContext("id", "name", "ns", "h", Path.of("/state"), Path.of("/net"),
                List.of());
        SeccompProfile unconfined = bypass.seccomp(Optional.empty(), context).orElseThrow();
        assertEquals("SCMP_ACT_ALLOW", unconfined.defaultAction());
        assertEquals("/net/bypass.sock", unconfined.listenerPath());
        assertTrue(unconfined.syscalls().stream().anyMatch(e -> e.names().contains("connect")
                && e.action().equals("SCMP_ACT_NOTIFY")), "connect is notified");
        SeccompProfile confined = bypass.seccomp(Optional.of(DefaultProfile.get()), context).orElseThrow();
        assertEquals("SCMP_ACT_ERRNO", confined.defaultAction());
        assertEquals("/net/bypass.sock", confined.listenerPath());
        assertEquals(Optional.empty(), NetworkAttachers.of("none").seccomp(Optional.empty(), context), "others add nothing");
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
