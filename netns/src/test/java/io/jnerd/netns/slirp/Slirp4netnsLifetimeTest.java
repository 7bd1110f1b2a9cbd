package io.jnerd.netns.slirp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.netns.Commands;
import io.jnerd.netns.NamespaceHolder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("privileged")
class Slirp4netnsLifetimeTest {

    @Test
    void slirp4netnsDoesNotOutliveAKilledJvm(@TempDir Path state) throws Exception {
        assumeTrue(Commands.isRoot(), "slirp4netns into a rootful netns needs root");
        try (NamespaceHolder ns = NamespaceHolder.start(false)) {
            Process jvm = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    AttachAndWaitMain.class.getName(), state.toString(), Long.toString(ns.pid()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                String line = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertTrue(line != null && line.matches("\\d+"), "driver pid: " + line);
                ProcessHandle slirp = ProcessHandle.of(Long.parseLong(line)).orElseThrow();
                assertTrue(slirp.isAlive());
                jvm.destroyForcibly();
                jvm.waitFor(10, TimeUnit.SECONDS);
                // SIGKILL runs no Java code: only the kernel closing the exit pipe can stop slirp4netns.
                slirp.onExit().get(5, TimeUnit.SECONDS);
                assertFalse(slirp.isAlive());
                assertTrue(Commands.processesMentioning(state.toString()).isEmpty(),
                        () -> Commands.processesMentioning(state.toString()).toString());
            } finally {
                jvm.destroyForcibly();
                Commands.processesMentioning(state.toString()).forEach(ProcessHandle::destroyForcibly);
            }
        }
    }
}
