package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel")
class BypassClientTest {

    @Test
    void roundTripThroughTheDaemon(@TempDir Path dir) throws Exception {
        try (BypassDaemon daemon = new BypassDaemon(line -> { })) {
            Path socket = dir.resolve("d.sock");
            daemon.start(socket);
            BypassClient client = new BypassClient(socket);
            assertEquals(List.of(), client.list());

            BypassSpec spec = new BypassSpec("c1", dir.resolve("c1.sock").toString(), null, null,
                    List.of(new PortSpec(List.of("tcp"), "127.0.0.1", 8080, null, 80)), List.of("auto"), true);
            BypassStatus status = client.start(spec);
            assertEquals("c1", status.id());
            assertEquals(ProcessHandle.current().pid(), status.pid());
            assertEquals(spec, status.spec());
            assertEquals(List.of(status), client.list());
            assertEquals(0, client.stats("c1").connectsSwitched());

            IOException dup = assertThrows(IOException.class, () -> client.start(spec));
            assertEquals("bypassd POST /v1/bypass: 400 bypass \"c1\" already exists", dup.getMessage());

            client.stop("c1");
            assertEquals(List.of(), client.list());
            IOException gone = assertThrows(IOException.class, () -> client.stop("c1"));
            assertTrue(gone.getMessage().endsWith("404 bypass \"c1\" does not exist"), gone.getMessage());
        }
    }
}
