package io.jnerd.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryEndpointTest {
    @Test
    void dockerHubIsServedByRegistry1OverHttps() {
        RegistryEndpoint e = RegistryEndpoint.of("docker.io", List.of());
        assertEquals("https://registry-1.docker.io", e.base().toString());
        assertEquals("docker.io", e.domain());
    }

    @Test
    void loopbackIsPlainHttpOthersHttps() {
        assertEquals("http://127.0.0.1:5000", RegistryEndpoint.of("127.0.0.1:5000", List.of()).base().toString());
        assertEquals("http://localhost:5000", RegistryEndpoint.of("localhost:5000", List.of()).base().toString());
        assertEquals("http://[::1]:5000", RegistryEndpoint.of("[::1]:5000", List.of()).base().toString());
        assertEquals("https://ghcr.io", RegistryEndpoint.of("ghcr.io", List.of()).base().toString());
        assertEquals("https://10.0.0.5:5000", RegistryEndpoint.of("10.0.0.5:5000", List.of()).base().toString());
    }

    @Test
    void insecureRegistryByHostPortOrByHost() {
        assertEquals("http://10.0.0.5:5000", RegistryEndpoint.of("10.0.0.5:5000", List.of("10.0.0.5:5000")).base().toString());
        assertEquals("http://10.0.0.5:5000", RegistryEndpoint.of("10.0.0.5:5000", List.of("10.0.0.5")).base().toString());
        assertEquals("http://reg.lan", RegistryEndpoint.of("reg.lan", List.of("http://reg.lan/")).base().toString());
        assertEquals("https://10.0.0.5:5000", RegistryEndpoint.of("10.0.0.5:5000", List.of("10.0.0.5:6000")).base().toString());
    }
}
