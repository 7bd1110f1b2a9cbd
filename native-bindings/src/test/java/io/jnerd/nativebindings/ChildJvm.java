package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test main class in a child JVM: the same java binary, class path and native
 * backend as this test JVM. Kernel tests use it for what must not happen in the test JVM
 * itself (a seccomp filter on a thread, a buffer whose address the parent reads).
 */
final class ChildJvm {

    private ChildJvm() {}

    static Process start(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-D" + Native.PROPERTY + "=" + System.getProperty(Native.PROPERTY, ""));
        // A child that lives a second needs no optimising compiler.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits for the child, asserts exit code 0 and returns the rest of its output. */
    static String finish(Process child) throws IOException, InterruptedException {
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            fail("child JVM " + child.pid() + " did not exit within 30 s");
        }
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, child.exitValue(), "child JVM output: " + out);
        return out;
    }
}
