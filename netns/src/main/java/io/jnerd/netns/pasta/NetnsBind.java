package io.jnerd.netns.pasta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace bind-mounted to a file (as {@code ip netns attach} does under
 * /run/netns), by the {@code mount} program: the JVM itself never changes mounts.
 */
final class NetnsBind implements AutoCloseable {

    private final Path file;
    private boolean mounted;

    private NetnsBind(Path file) {
        this.file = file;
    }

    static NetnsBind create(Path namespace, Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        NetnsBind bind = new NetnsBind(file);
        try {
            run("mount", "--bind", namespace.toString(), file.toString());
            bind.mounted = true;
            return bind;
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        if (mounted) {
            run("umount", file.toString());
            mounted = false;
        }
        Files.deleteIfExists(file);
    }

    /** Unmounts and deletes {@code file} if a bind whose owner died left it there. */
    static void releaseLeftover(Path file) throws IOException {
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (isMountPoint(file)) {
            run("umount", file.toString());
        }
        Files.deleteIfExists(file);
    }

    /** Whether /proc/self/mountinfo has a mount at {@code file} (its field 5, the mount point). */
    private static boolean isMountPoint(Path file) throws IOException {
        String target = file.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
