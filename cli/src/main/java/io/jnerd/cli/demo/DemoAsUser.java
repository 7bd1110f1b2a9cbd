package io.jnerd.cli.demo;

import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import io.jnerd.engine.rootless.RootlessContainerd;
import io.jnerd.engine.rootless.RootlessPaths;
import io.jnerd.engine.rootless.RootlessRequirements;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The unprivileged half of {@code jnerd demo}: rootless containerd (started if it is not
 * running, stopped again if the demo started it), a local image with iperf3, and the same
 * iperf3 client in a container once per network mode. The jnerd commands run in this JVM
 * through {@link Main#execute}, exactly as typed on a shell.
 */
final class DemoAsUser {
    static final String IMAGE = "jnerd/demo:latest";
    static final String[] MODES = {"slirp4netns", "bypass4netns"};

    private final Terminal terminal;
    private final PrintStream out;

    DemoAsUser(Terminal terminal) {
        this.terminal = terminal;
        this.out = terminal.out();
    }

    int run(String target, int seconds) throws Exception {
        java.util.List<RootlessRequirements.Check> missing = new RootlessRequirements(System.getProperty("user.name"),
                (int) io.jnerd.proto.ContainerdAddress.effectiveUid(), terminal.env()).run().stream()
                .filter(c -> !c.ok()).toList();
        if (!missing.isEmpty()) {
            missing.forEach(c -> terminal.err().println(c.line()));
            return 1;
        }
        RootlessContainerd containerd = new RootlessContainerd(RootlessPaths.fromEnvironment(terminal.env()));
        boolean started = false;
        if (containerd.status().isEmpty()) {
            RootlessContainerd.Status s = containerd.start();
            started = true;
            out.println("started rootless containerd (pid " + s.pid() + ")");
        }
        try {
            jnerd("build-local", IMAGE, "--add", "/usr/bin/iperf3");
            Map<String, Double> results = new LinkedHashMap<>();
            Map<String, String> failures = new LinkedHashMap<>();
            int colon = target.lastIndexOf(':');
            for (String mode : MODES) {
                out.println("iperf3 -c " + target + " -t " + seconds + " in a container with --net=" + mode + " ...");
                Captured c = capture("run", "--rm", "--net=" + mode, IMAGE, "iperf3", "-c", target.substring(0, colon),
                        "-p", target.substring(colon + 1), "-t", Integer.toString(seconds), "-J");
                try {
                    if (c.status != 0 && c.out.isBlank()) {
                        throw new IllegalArgumentException(firstLine(c.err, "exit " + c.status));
                    }
                    results.put(mode, Iperf3Result.receivedBitsPerSecond(c.out));
                } catch (IllegalArgumentException e) {
                    failures.put(mode, e.getMessage());
                }
            }
            return report(results, failures);
        } finally {
            if (started) {
                containerd.stop();
                out.println("stopped rootless containerd");
            }
        }
    }

    private int report(Map<String, Double> results, Map<String, String> failures) {
        for (String mode : MODES) {
            if (results.containsKey(mode)) {
                out.printf("%-13s %8.2f Gbit/s%n", mode + ":", results.get(mode) / 1e9);
            } else {
                out.printf("%-13s failed: %s%n", mode + ":", failures.get(mode));
            }
        }
        if (results.size() == MODES.length) {
            out.printf("ratio bypass4netns / slirp4netns: %.1f%n", results.get(MODES[1]) / results.get(MODES[0]));
            return 0;
        }
        return 1;
    }

    private void jnerd(String... args) {
        int status = Main.execute(terminal, args);
        if (status != 0) {
            throw new io.jnerd.engine.JnerdException("jnerd " + String.join(" ", args) + " failed (exit " + status + ")");
        }
    }

    private record Captured(int status, String out, String err) {}

    private Captured capture(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        InputStream none = InputStream.nullInputStream();
        int status = Main.execute(new Terminal(none, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), terminal.env()), args);
        return new Captured(status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private static String firstLine(String text, String otherwise) {
        String t = text.strip();
        if (t.isEmpty()) {
            return otherwise;
        }
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).replaceFirst("^jnerd: ", "");
    }
}
