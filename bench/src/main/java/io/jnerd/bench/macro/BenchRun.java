package io.jnerd.bench.macro;

import io.jnerd.netns.Executables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@code jnerd bench} run: sets up the test network and the placements, runs every
 * workload in every mode that is available, repeat after repeat (modes interleaved, so a
 * slow minute of the machine hits all of them), and writes results.json, results.md and
 * chart.png. Whatever it set up is torn down at the end, on an error and on Ctrl-C.
 */
public final class BenchRun {
    private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(3);

    private final BenchSettings settings;
    private final Progress progress;
    private final boolean root;
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private final BenchResults results;
    private TestBed bed;
    private Path imageArchive;
    private NerdctlBypass nerdctl;
    private String nerdctlMissing = "connect-nerdctl needs the bypass4netns mode";
    private RootfulContainerd rootful;
    private String rootfulMissing = "cli-start and docker-* need the host mode";
    /** Set by Ctrl-C: what fails from then on fails because its namespace is being removed. */
    private volatile boolean stopping;

    public BenchRun(BenchSettings settings, boolean root) {
        this.settings = settings;
        this.root = root;
        this.progress = new Progress(System.err);
        this.results = new BenchResults(settings.modes());
    }

    /** Runs everything and returns the results (also written to the results folder). */
    public BenchResults run() throws IOException {
        Thread hook = new Thread(() -> {
            stopping = true;
            progress.line("interrupted: removing containers, servers and namespaces");
            cleanUp();
        }, "jnerd-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            describeEnvironment();
            Path work = Files.createTempDirectory("jnerd-bench-");
            cleanup.push(() -> deleteTree(work));
            progress.line("compiling netbench (gcc -static)");
            Path netbench = BenchImage.compileNetbench(work);
            Map<Mode, Placement> placements = placements(netbench, work);
            measure(placements, netbench);
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running cleanUp() already.
            }
        }
        write();
        return results;
    }

    private void describeEnvironment() throws IOException {
        results.environment("date", Instant.now().toString());
        results.environment("kernel", Commands.run(List.of("uname", "-r"), Duration.ofSeconds(10)).strip());
        results.environment("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        results.environment("command", settings.commandLine());
        results.environment("repeats", Integer.toString(settings.repeats()));
        results.environment("duration per sample", settings.seconds() + " s");
        results.environment("servers", settings.target() == null
                ? "test-host network namespace (veth pair 10.200.N.0/24)"
                : "--target " + settings.target().getHostAddress());
    }

    private Map<Mode, Placement> placements(Path netbench, Path work) throws IOException {
        Map<Mode, Placement> placements = new EnumMap<>(Mode.class);
        String testHostAddress;
        InetAddress publishAddress;
        if (settings.target() != null) {
            testHostAddress = settings.target().getHostAddress();
            publishAddress = InetAddress.getLoopbackAddress();
        } else if (root) {
            progress.line("creating the test-host namespace and the veth reference namespace");
            bed = TestBed.create(netbench);
            cleanup.push(bed);
            testHostAddress = bed.testHost().address().getHostAddress();
            publishAddress = bed.testHost().hostAddress();
        } else {
            for (Mode m : settings.modes()) {
                results.skipMode(m, "skipped: not root, so no test-host namespace: pass --target ADDR");
            }
            return placements;
        }
        for (Mode m : settings.modes()) {
            if (m == Mode.HOST) {
                placements.put(m, bed != null ? HostPlacement.host(bed, netbench)
                        : HostPlacement.loopback(netbench, testHostAddress));
            } else if (m == Mode.VETH) {
                if (bed == null) {
                    results.skipMode(m, root ? "skipped: the veth reference needs the test host (no --target)"
                            : "skipped: the veth reference needs root");
                } else {
                    placements.put(m, HostPlacement.veth(bed, netbench));
                }
            }
        }
        placements.values().forEach(cleanup::push);
        rootfulContainerd(netbench, work);
        // A rootless mode no chosen workload runs in (cli-start alone) needs no user, containerd or image.
        List<Mode> rootless = settings.modes().stream().filter(Mode::rootless)
                .filter(m -> settings.workloads().stream().anyMatch(w -> w.appliesTo(m))).toList();
        if (!rootless.isEmpty()) {
            rootlessPlacements(rootless, netbench, work, publishAddress, testHostAddress).forEach((m, p) -> {
                placements.put(m, p);
                cleanup.push(p);
            });
        }
        return placements;
    }

    private Map<Mode, Placement> rootlessPlacements(List<Mode> modes, Path netbench, Path work, InetAddress publishAddress,
            String testHostAddress) throws IOException {
        Map<Mode, Placement> out = new EnumMap<>(Mode.class);
        RootlessUser user;
        try {
            user = RootlessUser.prepare(settings.jnerd(), settings.rootlessUser(), root, progress);
            progress.line("rootless modes run as " + user.description() + ": checking its containerd");
            ensureRootlessContainerd(user);
            progress.line("loading " + BenchImage.NAME + " into the rootless containerd");
            user.run(SETUP_TIMEOUT, "load", "-q", "-i", imageArchive(netbench, work).toString());
        } catch (IOException e) {
            for (Mode m : modes) {
                results.skipMode(m, "skipped: rootless setup: " + e.getMessage());
            }
            return out;
        }
        for (Mode m : modes) {
            if (m == Mode.PASTA && Executables.find("pasta").isEmpty()) {
                results.skipMode(m, "skipped: pasta is not installed (apt-get install passt)");
                continue;
            }
            ContainerPlacement p = new ContainerPlacement(m, user, BenchImage.NAME, publishAddress, testHostAddress);
            try {
                progress.line("probing " + m.label() + ": jnerd run --rm --net=" + m.label() + " " + BenchImage.NAME + " true");
                p.exec(List.of("true"), SETUP_TIMEOUT);
                out.put(m, p);
            } catch (IOException e) {
                String reason = e instanceof Commands.Failed f ? f.reason() : e.getMessage();
                results.skipMode(m, "skipped: jnerd run --net=" + m.label() + " (as " + user.description() + "): " + reason);
            }
        }
        if (out.containsKey(Mode.BYPASS4NETNS) && settings.workloads().contains(Workload.CONNECT_NERDCTL)) {
            Path dir = user.runtimeDir().orElse(work).resolve("jnerd-bench-nerdctl-" + ProcessHandle.current().pid());
            progress.line("connect-nerdctl: starting jnerd bypassd (as " + user.description() + ") in " + dir);
            try {
                nerdctl = NerdctlBypass.start(user, BenchImage.NAME, dir, progress);
                cleanup.push(nerdctl);
            } catch (IOException e) {
                nerdctlMissing = "jnerd bypassd: " + e.getMessage();
            }
        }
        return out;
    }

    /** The image archive, written once; in a folder everyone may read (the rootless user loads it). */
    private Path imageArchive(Path netbench, Path work) throws IOException {
        if (imageArchive == null) {
            imageArchive = BenchImage.writeArchive(netbench, world(work));
        }
        return imageArchive;
    }

    /** cli-start's containerd (docker-*'s too), when such a workload runs beside the host baseline as root. */
    private void rootfulContainerd(Path netbench, Path work) {
        if (settings.workloads().stream().noneMatch(Workload::usesRootfulContainerd) || !settings.modes().contains(Mode.HOST)) {
            return;
        }
        if (!root) {
            rootfulMissing = "cli-start and docker-* need root (a rootful containerd)";
            return;
        }
        progress.line("rootful workloads: starting a containerd of their own and loading " + BenchImage.NAME);
        try {
            rootful = RootfulContainerd.start(work.resolve("containerd"), settings.jnerd(), imageArchive(netbench, work));
            cleanup.push(rootful);
        } catch (IOException e) {
            rootfulMissing = "rootful containerd: " + e.getMessage();
        }
    }

    /** Uses the user's containerd if jnerd reaches one, else starts one with jnerd rootless start (and stops it after). */
    private void ensureRootlessContainerd(RootlessUser user) throws IOException {
        try {
            user.run(SETUP_TIMEOUT, "ps");
        } catch (IOException notRunning) {
            user.run(SETUP_TIMEOUT, "rootless", "start");
            cleanup.push(() -> user.run(SETUP_TIMEOUT, "rootless", "stop"));
        }
    }

    private void measure(Map<Mode, Placement> placements, Path netbench) {
        Set<String> failed = new HashSet<>();
        int perRepeat = 0;
        for (Workload w : settings.workloads()) {
            perRepeat += (int) placements.keySet().stream().filter(w::appliesTo).count();
        }
        int total = settings.repeats() * perRepeat;
        int step = 0;
        for (int r = 1; r <= settings.repeats(); r++) {
            for (Workload w : settings.workloads()) {
                for (Mode m : settings.modes()) {
                    Placement p = placements.get(m);
                    if (p == null || !w.appliesTo(m)) {
                        continue;
                    }
                    step++;
                    if (stopping) {
                        return;
                    }
                    if (failed.contains(w.id() + "/" + m.label())) {
                        continue;
                    }
                    String where = String.format(Locale.ROOT, "[%d/%d] %-16s %-13s repeat %d/%d", step, total, w.id(), m.label(),
                            r, settings.repeats());
                    try {
                        Map<Metric, Double> sample = w.run(p, context(netbench));
                        StringBuilder line = new StringBuilder(where).append(':');
                        for (Metric metric : w.metrics()) {
                            results.add(metric, m, sample.get(metric));
                            line.append(' ').append(Numbers.value(sample.get(metric))).append(' ').append(metric.unit());
                        }
                        progress.line(line.toString());
                    } catch (IOException | RuntimeException e) {
                        if (stopping) {
                            return;
                        }
                        failed.add(w.id() + "/" + m.label());
                        results.note(w.id(), m, "failed: " + e.getMessage());
                        progress.line(where + ": failed: " + e.getMessage());
                    }
                }
            }
        }
    }

    private Workload.Context context(Path netbench) {
        return new Workload.Context() {
            @Override
            public String seconds() {
                return Integer.toString(settings.seconds());
            }

            @Override
            public String connectWarmup() {
                return Integer.toString(settings.connectWarmupSeconds());
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds((settings.seconds() + settings.connectWarmupSeconds()) * 3L + 90);
            }

            @Override
            public int redisRequests() {
                return settings.redisRequests();
            }

            @Override
            public int startsPerSample() {
                return settings.startsPerSample();
            }

            @Override
            public void awaitReachable(InetSocketAddress address) throws IOException {
                outside(List.of(netbench.toString(), "wait", address.getAddress().getHostAddress(),
                        Integer.toString(address.getPort()), "30"));
            }

            @Override
            public String outside(List<String> command) throws IOException {
                return bed != null ? bed.execInTestHost(command, timeout()) : Commands.run(command, timeout());
            }

            @Override
            public NerdctlBypass nerdctl() throws IOException {
                if (nerdctl == null) {
                    throw new IOException(nerdctlMissing);
                }
                return nerdctl;
            }

            @Override
            public RootfulContainerd rootful() throws IOException {
                if (rootful == null) {
                    throw new IOException(rootfulMissing);
                }
                return rootful;
            }

            @Override
            public int cliPairs() {
                return settings.cliPairs();
            }
        };
    }

    private void write() throws IOException {
        Path dir = settings.resultsDir();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), JsonReport.render(results), StandardCharsets.UTF_8);
        String md = MarkdownReport.render(results);
        Files.writeString(dir.resolve("results.md"), md, StandardCharsets.UTF_8);
        BarChart.write(results, dir.resolve("chart.png"));
        progress.line("results in " + dir.toAbsolutePath() + " (results.json, results.md, chart.png)");
    }

    /** Runs every registered cleanup once, newest first; called at the end and by the Ctrl-C hook. */
    private void cleanUp() {
        synchronized (cleanup) {
            while (!cleanup.isEmpty()) {
                AutoCloseable c = cleanup.pop();
                try {
                    c.close();
                } catch (Exception e) {
                    progress.line("cleanup: " + e.getMessage());
                }
            }
        }
    }

    /** A folder everyone may read, for what the rootless user must read (the image archive). */
    private static Path world(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("shared"));
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
