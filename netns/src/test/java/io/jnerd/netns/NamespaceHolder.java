package io.jnerd.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A process in a new network namespace standing in for a container's init: {@code unshare -n
 * sleep} (rootful shape) or {@code unshare -rn sleep} (rootless shape: the namespace is owned
 * by a new user namespace). unshare execs sleep, so the pid is the namespace holder's.
 */
public final class NamespaceHolder implements AutoCloseable {

    private final Process process;

    private NamespaceHolder(Process process) {
        this.process = process;
    }

    public static NamespaceHolder start(boolean userNamespace) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("unshare", userNamespace ? "-rn" : "-n", "sleep", "120").start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Path ownNs = Path.of("/proc/self/ns/net");
        Path ns = Path.of("/proc", Long.toString(p.pid()), "ns", "net");
        // Until unshare(2) ran, the child is still in our namespace.
        while (Files.readSymbolicLink(ns).equals(Files.readSymbolicLink(ownNs))) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IOException("unshare did not create a network namespace");
            }
            Thread.sleep(5);
        }
        return new NamespaceHolder(p);
    }

    public long pid() {
        return process.pid();
    }

    /** Runs a command in the namespace (and its user namespace, if any). */
    public Commands.Result exec(String... cmd) throws IOException, InterruptedException {
        String[] full = new String[cmd.length + 6];
        full[0] = "nsenter";
        full[1] = "-t";
        full[2] = Long.toString(pid());
        full[3] = "-n";
        full[4] = "-U";
        full[5] = "--preserve-credentials";
        System.arraycopy(cmd, 0, full, 6, cmd.length);
        boolean ownUserns = !Files.readSymbolicLink(Path.of("/proc", Long.toString(pid()), "ns", "user"))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));
        if (!ownUserns) {
            // nsenter -U into one's own user namespace fails with EINVAL.
            String[] plain = new String[cmd.length + 4];
            System.arraycopy(full, 0, plain, 0, 4);
            System.arraycopy(cmd, 0, plain, 4, cmd.length);
            return Commands.run(plain);
        }
        return Commands.run(full);
    }

    /** Starts a long-running command in the namespace; the caller stops it. */
    public Process spawn(String... cmd) throws IOException {
        String[] full = new String[cmd.length + 4];
        full[0] = "nsenter";
        full[1] = "-t";
        full[2] = Long.toString(pid());
        full[3] = "-n";
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    /** Waits until something listens on TCP {@code port} inside the namespace. */
    public void awaitTcpListener(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!exec("ss", "-Hltn", "sport = :" + port).output().contains(":" + port)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("nothing listens on port " + port + " in the netns of pid " + pid());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
