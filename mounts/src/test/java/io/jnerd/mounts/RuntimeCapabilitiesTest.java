package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RuntimeCapabilitiesTest {

    @Test
    void debianRunc115FeaturesListRecursiveOptions() throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/runc-1.1.5-features.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        RuntimeCapabilities c = RuntimeCapabilities.fromFeatures("/usr/sbin/runc", json);
        assertTrue(c.supportsAll(EnumSet.allOf(RecursiveAttribute.class)), c.toString());
        assertTrue(c.supports("rbind"));
        assertEquals("runc features lists rro", c.reason());
    }

    @Test
    void featuresWithoutRroSayNo() throws IOException {
        RuntimeCapabilities c = RuntimeCapabilities.fromFeatures("runc", "{\"mountOptions\":[\"ro\",\"rbind\"]}");
        assertFalse(c.supports("rro"));
        assertEquals("runc features does not list rro", c.reason());
    }

    @Test
    void withoutFeaturesTheVersionDecides() {
        RuntimeCapabilities crun18 = RuntimeCapabilities.fromVersion("crun",
                "crun version 1.8.1\ncommit: f8a096be\nrundir: /run/crun\n");
        assertTrue(crun18.supports("rro"), crun18.toString());
        assertTrue(crun18.supports("rnosuid"), crun18.toString());
        assertEquals("crun 1.8 has rro (crun >= 1.4)", crun18.reason());

        RuntimeCapabilities crun13 = RuntimeCapabilities.fromVersion("crun", "crun version 1.3\n");
        assertFalse(crun13.supports("rro"), crun13.toString());

        RuntimeCapabilities runc10 = RuntimeCapabilities.fromVersion("runc", "runc version 1.0.3\ncommit: v1.0.3\n");
        assertFalse(runc10.supports("rro"));
        assertEquals("runc 1.0 has no features command: older than 1.1, no rro", runc10.reason());

        RuntimeCapabilities unknown = RuntimeCapabilities.fromVersion("/opt/rt", "hello\n");
        assertFalse(unknown.supports("rro"));
        assertEquals("cannot tell whether /opt/rt supports rro: no features command and no version", unknown.reason());
    }

    @Test
    void realRuntimesAreProbedOnceEach() {
        Assumptions.assumeTrue(onPath("runc") && onPath("crun"), "needs runc and crun installed (bin/deb-packages)");
        RuntimeCapabilities runc = RuntimeCapabilities.of("runc");
        assertTrue(runc.supports("rro"), runc.toString());
        assertEquals("runc features lists rro", runc.reason());
        assertSame(runc, RuntimeCapabilities.of("runc"), "cached");

        RuntimeCapabilities crun = RuntimeCapabilities.of("crun");
        assertTrue(crun.supports("rro"), crun.toString());
    }

    @Test
    void aRuntimeThatCannotRunHasNothing() {
        RuntimeCapabilities c = RuntimeCapabilities.of("/nonexistent/jnerd-runtime");
        assertFalse(c.supports("rro"));
        assertTrue(c.reason().startsWith("cannot probe /nonexistent/jnerd-runtime: "), c.reason());
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
