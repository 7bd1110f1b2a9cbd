package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerNetworksTest {

    @Test
    void hostAndNoneNeedNoDriverAndPublishNothing() throws Exception {
        assertTrue(ContainerNetworks.attach(NetworkMode.HOST, NetnsTarget.ofPid(1), List.of(), Path.of("/nonexistent"))
                .isEmpty());
        assertTrue(ContainerNetworks.attach(NetworkMode.NONE, NetnsTarget.ofPid(1), List.of(), Path.of("/nonexistent"))
                .isEmpty());
        List<PortMapping> ports = PortMappingParser.parse("8080:80");
        assertEquals("-p cannot be used with --net=host: the container binds the host's ports itself",
                assertThrows(IllegalArgumentException.class, () -> ContainerNetworks.checkPorts(NetworkMode.HOST, ports))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> ContainerNetworks.checkPorts(NetworkMode.NONE, ports));
        ContainerNetworks.checkPorts(NetworkMode.BYPASS4NETNS, ports);
    }

    @Test
    void tunMessageNamesUidModeAndFix() {
        assertEquals("/dev/net/tun is not usable by uid 1000 (mode 0600): run as root: chmod 0666 /dev/net/tun",
                TunDevice.unusableMessage(TunDevice.PATH, 1000, "0600"));
    }
}
