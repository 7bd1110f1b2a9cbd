package io.jnerd.seccomp.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Processes;
import io.jnerd.seccomp.ContainerState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle a runtime in another mount namespace names (rootless runc in rootlesskit's) is
 * reached through the runtime's root; one in the agent's own namespace is left as named.
 */
@Tag("privileged")
class StateMessagePrivilegedTest {

    @TempDir
    Path dir;

    private static ContainerState state(String bundle) {
        return new ContainerState("1.0.2", List.of("seccompFd"), 1, null,
                new ContainerState.State("1.0.2", "c1", "creating", 1, bundle, Map.of()));
    }

    @Test
    void aBundleInTheRuntimesOwnMountNamespaceIsReadThroughItsRoot() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "unshare -m needs root");
        Path bundle = Files.createDirectory(dir.resolve("bundle"));
        // A "runtime" whose bundle dir is a tmpfs only its own mount namespace sees.
        Process runtime = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs tmpfs \"$0\" && echo private > \"$0/config.json\" && echo ready && exec sleep 60",
                bundle.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            assertFalse(Files.exists(bundle.resolve("config.json")), "the agent's namespace does not see the bundle");

            ContainerState seen = StateMessage.bundleSeenFrom(state(bundle.toString()), (int) runtime.pid());
            assertEquals("/proc/" + runtime.pid() + "/root" + bundle, seen.state().bundle());
            assertEquals("private\n", Files.readString(Path.of(seen.state().bundle(), "config.json")));

            int self = (int) ProcessHandle.current().pid();
            assertEquals(bundle.toString(), StateMessage.bundleSeenFrom(state(bundle.toString()), self).state().bundle(),
                    "same namespace: the path as named");
            assertTrue(StateMessage.bundleSeenFrom(state("relative"), (int) runtime.pid()).state().bundle().equals("relative"));
        } finally {
            runtime.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
