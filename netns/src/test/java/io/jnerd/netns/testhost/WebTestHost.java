package io.jnerd.netns.testhost;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.netns.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test host whose busybox httpd serves one {@code index.html} on port 80: the remote end
 * the drivers' attach tests fetch from. Made once per test class ({@code @BeforeAll}), closed
 * in {@code @AfterAll}; the docroot also serves the tests' own servers inside a namespace.
 */
public final class WebTestHost implements AutoCloseable {

    private final String body;
    private final Path docroot;
    private TestHostNamespace testHost;

    private WebTestHost(String body, Path docroot) {
        this.body = body;
        this.docroot = docroot;
    }

    /** Skips the calling test class unless root; otherwise serves {@code body} as /index.html. */
    public static WebTestHost start(String body) throws IOException {
        assumeTrue(Commands.isRoot(), "creating the test-host namespace needs root");
        WebTestHost web = new WebTestHost(body, Files.createTempDirectory("jnerd-docroot-"));
        try {
            Files.writeString(web.docroot.resolve("index.html"), body);
            web.testHost = TestHostNamespace.create();
            web.testHost.startHttpd(web.docroot, 80);
            return web;
        } catch (IOException | RuntimeException e) {
            try {
                web.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    public TestHostNamespace testHost() {
        return testHost;
    }

    /** The directory holding index.html. */
    public Path docroot() {
        return docroot;
    }

    /** What /index.html holds. */
    public String body() {
        return body;
    }

    /** http://ADDRESS/index.html on the test host. */
    public String url() {
        return "http://" + testHost.address().getHostAddress() + "/index.html";
    }

    @Override
    public void close() throws IOException {
        try {
            if (testHost != null) {
                testHost.close();
            }
        } finally {
            Files.deleteIfExists(docroot.resolve("index.html"));
            Files.deleteIfExists(docroot);
        }
    }
}
