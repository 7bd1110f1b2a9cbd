package io.jnerd.bench.macro;

import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.OciImage;
import io.jnerd.engine.image.OciImageBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The tools of the workloads: netbench, compiled here with gcc from the C source in this
 * jar (statically, so the same binary runs on the host, in the namespaces and in a busybox
 * image), and the image {@value #NAME}: busybox-static, iperf3, redis-benchmark,
 * redis-server with their libraries, and netbench.
 */
final class BenchImage {
    static final String NAME = "jnerd-bench/netbench:latest";
    private static final String SOURCE = "netbench.c";

    private BenchImage() {}

    /** Compiles netbench into {@code dir} and returns its path. */
    static Path compileNetbench(Path dir) throws IOException {
        Path source = dir.resolve(SOURCE);
        try (InputStream in = BenchImage.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException(SOURCE + " is missing from the bench jar");
            }
            Files.copy(in, source);
        }
        Path binary = dir.resolve("netbench");
        try {
            Commands.run(List.of("gcc", "-O2", "-static", "-pthread", "-o", binary.toString(), source.toString()), Duration.ofMinutes(2));
        } catch (IOException e) {
            throw new IOException("compiling netbench needs gcc and a static libc (apt-get install gcc libc6-dev): "
                    + e.getMessage(), e);
        }
        return binary;
    }

    /** Writes the image as an OCI archive readable by everyone (the rootless user loads it). */
    static Path writeArchive(Path netbench, Path dir) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new IOException(busybox + " is missing (apt-get install busybox-static)");
        }
        OciImageBuilder b = OciImageBuilder.busybox(busybox);
        for (String tool : List.of("iperf3", "redis-benchmark", "redis-server")) {
            Path p = Path.of("/usr/bin", tool);
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + " is missing (apt-get install iperf3 redis-server redis-tools)");
            }
            b.addHostBinary(p);
        }
        b.addFile(netbench, ContainerPlacement.NETBENCH_PATH, 0755);
        OciImage image = b.build();
        Path archive = dir.resolve("netbench-image.tar");
        image.writeOciArchive(archive, ImageService.normalize(NAME));
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
        return archive;
    }
}
