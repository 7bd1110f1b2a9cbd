package io.jnerd.cli.demo;

import io.jnerd.cli.Main;
import io.jnerd.cli.Terminal;
import io.jnerd.engine.rootless.HostCommands;
import io.jnerd.engine.rootless.RootlessContainerd;
import io.jnerd.engine.rootless.RootlessPaths;
import io.jnerd.engine.rootless.RootlessRequirements;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unprivileged half of {@code jnerd demo}: rootless containerd (started if it is not
 * running, stopped again if the demo started it), a local image with iperf3, and the same
 * iperf3 client on the host (the baseline) and in a container once per network mode. The
 * jnerd commands run in this JVM through {@link Main#execute}, exactly as typed on a shell.
 */
final class DemoAsUser {
    static final String IMAGE = "jnerd/demo:latest";
    static final String IPERF3 = "/usr/bin/iperf3";

    private final Terminal terminal;
    private final PrintStream out;

    DemoAsUser(Terminal terminal) {
        this.terminal = terminal;
        this.out = terminal.out();
    }

    int run(String target, int seconds) throws Exception {
        List<RootlessRequirements.Check> missing = new RootlessRequirements(System.getProperty("user.name"),
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
            jnerd("build-local", IMAGE, "--add", IPERF3);
            Map<String, Double> results = new LinkedHashMap<>();
            Map<String, String> failures = new LinkedHashMap<>();
            int colon = target.lastIndexOf(':');
            List<String> client = List.of(IPERF3, "-c", target.substring(0, colon), "-p", target.substring(colon + 1),
                    "-t", Integer.toString(seconds), "-J");
            for (String path : DemoReport.PATHS) {
                try {
                    results.put(path, Iperf3Result.receivedBitsPerSecond(path.equals(DemoReport.HOST)
                            ? onHost(target, seconds, client) : inContainer(path, target, seconds, client)));
                } catch (IllegalArgumentException e) {
                    failures.put(path, e.getMessage());
                }
            }
            return DemoReport.print(out, results, failures);
        } finally {
            if (started) {
                containerd.stop();
                out.println("stopped rootless containerd");
            }
        }
    }

    /** The baseline: the same client as this user on the host, outside any container. */
    private String onHost(String target, int seconds, List<String> client) throws InterruptedException {
        out.println("iperf3 -c " + target + " -t " + seconds + " on the host ...");
        try {
            return HostCommands.capture(client).output();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot run " + IPERF3 + ": " + e.getMessage());
        }
    }

    private String inContainer(String mode, String target, int seconds, List<String> client) {
        out.println("iperf3 -c " + target + " -t " + seconds + " in a container with --net=" + mode + " ...");
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--net=" + mode, IMAGE));
        args.addAll(client);
        Captured c = capture(args.toArray(new String[0]));
        if (c.status != 0 && c.out.isBlank()) {
            throw new IllegalArgumentException(firstLine(c.err, "exit " + c.status));
        }
        return c.out;
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
