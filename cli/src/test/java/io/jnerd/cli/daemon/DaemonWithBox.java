package io.jnerd.cli.daemon;

import io.jnerd.api.DockerCli;
import io.jnerd.cli.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class's {@link InProcessDaemon} with a running container "box" (sleep 300, no network). */
abstract class DaemonWithBox {
    @TempDir
    static Path tmp;
    static InProcessDaemon daemon;
    static Cli cli;
    static DockerCli docker;

    @BeforeAll
    static void startDaemonAndBox() throws Exception {
        daemon = InProcessDaemon.start(tmp);
        cli = daemon.cli;
        docker = daemon.docker;
        daemon.runDetached("box");
    }

    @AfterAll
    static void removeAllAndStop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }
}
