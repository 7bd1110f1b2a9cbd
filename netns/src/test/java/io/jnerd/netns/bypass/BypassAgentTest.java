package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.bypassd.PortSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class BypassAgentTest {

    @Test
    void goNetworkNamesBecomeOneMappingPerProtocol() {
        List<String> mappings = BypassAgent.portMappings(List.of(
                new PortSpec(List.of("tcp", "tcp4", "tcp6"), "", 8080, "", 80),
                new PortSpec(List.of("udp"), "127.0.0.1", 5353, null, 53))).stream().map(Object::toString)
                .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of("8080:80/tcp", "127.0.0.1:5353:53/udp"), mappings);
    }

    @Test
    void anUnknownProtocolIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BypassAgent.portMappings(List.of(new PortSpec(List.of("sctp"), null, 1, null, 2))));
        assertTrue(e.getMessage().contains("sctp"), e.getMessage());
    }
}
