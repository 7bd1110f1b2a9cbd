package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Processes;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Whose threads may bind a port below 1024, read from /proc as the agent does. */
@Tag("privileged")
class ContainerBindTest {

    @Test
    void rootMayAndNobodyMayNot() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "needs root to start a process as nobody");
        assertTrue(ContainerBind.mayBindPrivilegedPorts((int) ProcessHandle.current().pid()));
        // Changing to a non-zero uid clears the effective capabilities (capabilities(7)).
        Process nobody = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sleep", "30")
                .redirectInput(new File("/dev/null")).redirectErrorStream(true).start();
        try {
            // setpriv execs sleep: wait until it did, so /proc shows sleep's credentials.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!nobody.info().command().orElse("").endsWith("sleep") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(nobody.isAlive(), "setpriv failed");
            assertFalse(ContainerBind.mayBindPrivilegedPorts((int) nobody.pid()));
        } finally {
            nobody.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
