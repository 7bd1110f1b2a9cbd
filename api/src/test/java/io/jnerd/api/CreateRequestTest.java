package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.RunSpec;
import io.jnerd.engine.network.BypassNetwork;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** moby's create body (as the docker CLI sends it) into the engine's RunSpec. */
class CreateRequestTest {
    private static final BypassNetwork.Settings BYPASS = new BypassNetwork.Settings(List.of(), Optional.empty(), l -> { });

    private static RunSpec parse(String json, String name) throws Exception {
        return CreateRequest.parse(Responses.mapper().readTree(json), name, BYPASS);
    }

    @Test
    void portsWithAnEmptyHostPortAndPublishAllAreLeftForTheEngineToChoose() throws Exception {
        RunSpec s = parse("""
                {"Image": "busybox", "Cmd": ["sh"], "ExposedPorts": {"80/tcp": {}, "53/udp": {}, "8080/tcp": {}},
                 "HostConfig": {"NetworkMode": "default", "PublishAllPorts": true,
                   "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}, {"HostIp": "127.0.0.1", "HostPort": "8081"}],
                                    "8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}}}
                """, null);
        assertEquals("slirp4netns", s.network().name(), "docker's default network is jnerd's slirp4netns");
        assertEquals("[0:80/tcp, 127.0.0.1:8081:80/tcp, 127.0.0.1:0:8080/tcp, 0:53/udp]", s.ports().toString());
    }

    @Test
    void stdinTtyEntrypointAndAutoRemoveAreKept() throws Exception {
        RunSpec s = parse("""
                {"Image": "busybox", "Cmd": ["cat"], "Entrypoint": [""], "Tty": true, "OpenStdin": true,
                 "StdinOnce": true, "Env": ["A=1"], "WorkingDir": "/tmp", "User": "nobody", "Hostname": "box",
                 "Labels": {"team": "x"},
                 "HostConfig": {"NetworkMode": "none", "AutoRemove": true, "RestartPolicy": {"Name": ""}}}
                """, "/named");
        assertEquals(Optional.of(List.of()), s.entrypoint(), "--entrypoint \"\" is no entrypoint");
        assertTrue(s.tty() && s.interactive() && s.stdinOnce() && s.remove() && s.detach());
        assertEquals("no", s.restart().toString(), "docker sends an empty Name for no policy");
        assertEquals(Optional.of("named"), s.name());
        assertEquals(List.of("A=1"), s.env());
        assertEquals("none", s.network().name());
        // The runner finds a missing image (one read of the image record); the route's fetcher
        // answers moby's 404 instead of pulling: the client pulls (DaemonRunTest's missing image).
        assertEquals(RunSpec.PullPolicy.MISSING, s.pull());
    }

    @Test
    void aRestartPolicyIsKeptAndRefusedWithAutoRemoveAsMobyDoes() throws Exception {
        RunSpec s = parse("""
                {"Image": "busybox", "HostConfig": {"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3}}}
                """, null);
        assertEquals("on-failure:3", s.restart().toString());
        assertThrows(JnerdException.class, () -> parse("""
                {"Image": "busybox", "HostConfig": {"AutoRemove": true, "RestartPolicy": {"Name": "always"}}}
                """, null));
    }

    @Test
    void badInputIsOneLineNamingIt() {
        assertEquals("Invalid container name (a/b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                assertThrows(JnerdException.class, () -> parse("{\"Image\": \"busybox\"}", "a/b")).getMessage());
        assertEquals("jnerd does not run privileged containers", assertThrows(JnerdException.class,
                () -> parse("{\"Image\": \"busybox\", \"HostConfig\": {\"Privileged\": true}}", null)).getMessage());
        assertTrue(assertThrows(JnerdException.class, () -> parse(
                "{\"Image\": \"busybox\", \"HostConfig\": {\"NetworkMode\": \"nonsense\"}}", null))
                .getMessage().contains("nonsense"));
        assertTrue(assertThrows(JnerdException.class, () -> parse(
                "{\"Image\": \"busybox\", \"HostConfig\": {\"RestartPolicy\": {\"Name\": \"sometimes\"}}}", null))
                .getMessage().contains("invalid restart policy 'sometimes'"));
        assertEquals("no image given: Config.Image is empty",
                assertThrows(JnerdException.class, () -> parse("{\"Cmd\": [\"true\"]}", null)).getMessage());
    }
}
