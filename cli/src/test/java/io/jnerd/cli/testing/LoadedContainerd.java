package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.proto.testing.ContainerdFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What most privileged CLI test classes start from: a containerd of the class's own with
 * jnerd's busybox test image loaded, one jnerd CLI on it (its state in the class's temporary
 * folder), and the check after each test that nothing is left in containerd. A subclass's
 * own {@code @BeforeAll} runs after this one's, its {@code @AfterAll} before containerd stops.
 */
public abstract class LoadedContainerd {
    protected static ContainerdFixture containerd;
    @TempDir
    protected static Path tmp;
    protected static Cli cli;

    @BeforeAll
    static void startContainerdWithTheTestImage() throws Exception {
        containerd = ContainerdFixture.start();
        cli = new Cli(containerd, tmp.resolve("state"));
        Cli.Result load = cli.run("load", "-q", "-i", TestImages.busyboxArchive(tmp).toString());
        assertEquals(0, load.exitCode, load.toString());
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        if (containerd != null) {
            containerd.close();
        }
    }

    @AfterEach
    protected void nothingLeftBehind() throws Exception {
        Leftovers.assertNone(containerd);
    }
}
