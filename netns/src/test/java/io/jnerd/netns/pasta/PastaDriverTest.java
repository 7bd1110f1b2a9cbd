package io.jnerd.netns.pasta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.netns.Commands;
import io.jnerd.netns.HttpProbe;
import io.jnerd.netns.NamespaceHolder;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.NetworkSetupException;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.testhost.TestHostNamespace;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PastaDriverTest {

    @Test
    void portOptionsPerProtocolAndNoneOtherwise() {
        List<PortMapping> ports = List.of(PortMappingParser.parse("127.0.0.1:8080:80").get(0),
                PortMappingParser.parse("[::1]:53:5353/udp").get(0));
        assertEquals(List.of("-t", "127.0.0.1/8080:80"), PastaDriver.portOptions("-t", Protocol.TCP, ports));
        assertEquals(List.of("-u", "::1/53:5353"), PastaDriver.portOptions("-u", Protocol.UDP, ports));
        assertEquals(List.of("-u", "none"), PastaDriver.portOptions("-u", Protocol.UDP, ports.subList(0, 1)));
    }

    @Test
    void aMissingBinaryIsOneLine(@TempDir Path state) {
        NetworkSetupException e = assertThrows(NetworkSetupException.class,
                () -> new PastaDriver(state, "pasta-not-installed").attach(NetnsTarget.ofPid(1), List.of()));
        assertEquals("pasta-not-installed not found in PATH: install it (Debian: apt-get install passt)", e.getMessage());
    }
}
