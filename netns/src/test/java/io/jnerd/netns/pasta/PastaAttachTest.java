package io.jnerd.netns.pasta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.netns.Commands;
import io.jnerd.netns.HttpProbe;
import io.jnerd.netns.NamespaceHolder;
import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.PortMappingParser;
import io.jnerd.netns.testhost.WebTestHost;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("privileged")
class PastaAttachTest {

    private static WebTestHost web;

    @BeforeAll
    static void testHost() throws Exception {
        web = WebTestHost.start("hello through pasta\n");
    }

    @AfterAll
    static void removeTestHost() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    @ParameterizedTest(name = "user namespace: {0}")
    @ValueSource(booleans = {false, true})
    void attachReachesTheTestHostAndPublishes(boolean userNamespace, @TempDir Path state) throws Exception {
        try (NamespaceHolder ns = NamespaceHolder.start(userNamespace)) {
            NetworkAttachment attachment = new PastaDriver(state).attach(NetnsTarget.ofPid(ns.pid()),
                    PortMappingParser.parse("127.0.0.1::8080"));
            try {
                String links = ns.exec("ip", "-o", "-4", "addr", "show", "scope", "global").output();
                assertTrue(links.contains("inet "), "pasta configured an address: " + links);
                Commands.Result wget = ns.exec("busybox", "timeout", "10", "busybox", "wget", "-q", "-O", "-",
                        web.url());
                assertEquals(0, wget.status(), wget.output());
                assertEquals(web.body(), wget.output());

                Process httpd = ns.spawn("busybox", "httpd", "-f", "-p", "8080", "-h", web.docroot().toString());
                try {
                    ns.awaitTcpListener(8080);
                    PortMapping published = attachment.publishedPorts().get(0);
                    assertEquals(web.body(),
                            HttpProbe.get(new InetSocketAddress("127.0.0.1", published.hostPort()), "/index.html"));
                } finally {
                    httpd.destroyForcibly();
                    httpd.waitFor();
                }
            } finally {
                attachment.close();
            }
            assertFalse(ProcessHandle.of(attachment.driverPid()).map(ProcessHandle::isAlive).orElse(false),
                    "pasta still runs after detach");
            assertEquals(List.of(), Commands.processesMentioning(state.toString()));
            assertFalse(Files.exists(state.resolve("netns")), "the namespace bind mount is gone");
        }
    }
}
