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

    private TestImages() {}

    /** busybox with env FOO=bar, workdir /tmp and command "sh"; written to {@code dir/busybox.tar}. */
    public static Path busyboxArchive(Path dir) throws IOException {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX + " (apt-get install busybox-static)");
        Path out = dir.resolve("busybox.tar");
        OciImageBuilder.busybox(BUSYBOX).env("FOO=bar").workdir("/tmp").cmd(List.of("sh")).build()
                .writeOciArchive(out, NAME);
        return out;
    }
}
