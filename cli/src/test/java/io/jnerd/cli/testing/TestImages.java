package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.engine.image.OciImageBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test images built from Debian's busybox-static, as OCI archives. */
public final class TestImages {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final String NAME = "jnerd-test/busybox:latest";
    public static final String RYUK = "jnerd-test/ryuk:latest";

    private TestImages() {}

    /** busybox with env FOO=bar, workdir /tmp and command "sh"; written to {@code dir/busybox.tar}. */
    public static Path busyboxArchive(Path dir) throws IOException {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX + " (apt-get install busybox-static)");
        Path out = dir.resolve("busybox.tar");
        OciImageBuilder.busybox(BUSYBOX).env("FOO=bar").workdir("/tmp").cmd(List.of("sh")).build()
                .writeOciArchive(out, NAME);
        return out;
    }

    /**
     * A stand-in for Testcontainers' reaper image (testcontainers/ryuk, from Docker Hub) that
     * speaks its side of the protocol and no more: says whether the docker socket is mounted
     * at /var/run/docker.sock, logs "Started", and answers each filter line on TCP 8080 with
     * "ACK". It removes nothing: it shows what Ryuk needs of the daemon (a named, privileged,
     * auto-removed container with the socket bound in and its port reachable from the host).
     * Written to {@code dir/ryuk.tar}.
     */
    public static Path ryukStandInArchive(Path dir) throws IOException {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX + " (apt-get install busybox-static)");
        Path out = dir.resolve("ryuk.tar");
        OciImageBuilder.busybox(BUSYBOX)
                .addText("/ryuk.sh", "#!/bin/sh\n"
                        + "if [ -S /var/run/docker.sock ]; then echo 'docker.sock mounted'; else echo 'no docker.sock'; fi\n"
                        + "echo Started\n"
                        + "exec nc -ll -p 8080 -e /ack.sh\n", 0755)
                .addText("/ack.sh", "#!/bin/sh\nwhile read -r filter; do echo ACK; done\n", 0755)
                .cmd(List.of("/ryuk.sh")).build()
                .writeOciArchive(out, RYUK);
        return out;
    }
}
