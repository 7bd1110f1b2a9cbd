package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hostile program of the escape tests ({@code io/jnerd/netns/escape/attacker.c}),
 * compiled statically by gcc so it runs in a busybox rootfs, and its command line. Its
 * modes (compat, swap, nerdctl, failopen) are described in the C file.
 */
final class EscapeAttacker {

    static final String SOURCE = "/io/jnerd/netns/escape/attacker.c";

    private EscapeAttacker() {}

    /** gcc -static of the attacker into {@code binary}; skips the test without gcc or x86_64. */
    static void compile(Path binary) throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the attacker's i386 and x32 calls are x86_64 code");
        assumeTrue(onPath("gcc"), "needs gcc and a static libc (apt-get install gcc libc6-dev)");
        Path source = binary.resolveSibling("attacker.c");
        try (InputStream in = EscapeAttacker.class.getResourceAsStream(SOURCE)) {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-pthread", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            gcc.destroyForcibly();
            throw new IOException("gcc -static " + source + " failed: " + out);
        }
        Files.delete(source);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The attacker's arguments after its path: mode, test host, ports; {@code published} 0 for none. */
    static List<String> args(String mode, String testHost, int tcpEcho, int udpEcho, int closedPort,
            LoopbackListeners loopback, int published) {
        return List.of(mode, testHost, Integer.toString(tcpEcho), Integer.toString(udpEcho), Integer.toString(closedPort),
                Integer.toString(loopback.tcpPort()), Integer.toString(loopback.udpPort()), Integer.toString(published));
    }
}
