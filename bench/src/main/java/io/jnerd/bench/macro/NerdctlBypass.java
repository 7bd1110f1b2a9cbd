package io.jnerd.bench.macro;

import io.jnerd.netns.HelperProcess;
import io.jnerd.netns.bypassd.BypassClient;
import io.jnerd.netns.bypassd.BypassSpec;
import io.jnerd.netns.bypassd.BypassStatsReport;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.ProfileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A container as {@code nerdctl run --annotation nerdctl/bypass4netns=true} makes it, served
 * by {@code jnerd bypassd}: the rootless user's bypassd on a socket of its own (not the
 * default one, which {@code jnerd run --net=bypass4netns} would pick up for the other
 * workloads), a seccomp profile that is the default one with nerdctl's calls (and
 * {@link #GUARD}) as SCMP_ACT_NOTIFY to the bypass's agent socket, and per container {@code POST /v1/bypass},
 * {@code jnerd run --net=slirp4netns --security-opt seccomp=PROFILE}, {@code DELETE}. A run
 * whose bypass switched no connect is a failure: its numbers would be slirp4netns's.
 */
final class NerdctlBypass implements AutoCloseable {
    /**
     * nerdctl's notify set for bypass4netns. nerdctl also names "_exit", which is no syscall
     * name: runc skips names libseccomp does not know, so the filter a nerdctl container gets
     * has no rule for it, and neither has this one.
     */
    static final List<String> NOTIFIED = List.of("bind", "close", "connect", "setsockopt", "fcntl", "exit_group",
            "getpeername");
    /**
     * What a nerdctl user has to add for jnerd's bypassd to switch anything (issue 14's
     * guard, {@code GuardedCalls}): the default profile admits the i386 ABI, whose socketcall
     * runs unseen under nerdctl's set, and could connect a switched socket anywhere. Without
     * it the workload measures the refusal (slirp4netns), not the switch.
     */
    static final String GUARD = "socketcall";
    private static final Duration DAEMON_START = Duration.ofSeconds(90);

    private final RootlessUser user;
    private final String image;
    private final Path dir;
    private final Path profile;
    private final Path agentSocket;
    private final HelperProcess daemon;
    private final BypassClient client;
    private final Progress progress;
    private int runs;

    private NerdctlBypass(RootlessUser user, String image, Path dir, HelperProcess daemon, Progress progress) {
        this.user = user;
        this.image = image;
        this.dir = dir;
        this.profile = dir.resolve("nerdctl-bypass4netns.json");
        this.agentSocket = dir.resolve("bypass.sock");
        this.daemon = daemon;
        this.client = new BypassClient(dir.resolve("bypassd.sock"));
        this.progress = progress;
    }

    /**
     * Starts the user's bypassd in {@code dir} (made here, owned by the user, inside a folder
     * the user can search) and writes the profile; waits until the API answers.
     */
    static NerdctlBypass start(RootlessUser user, String image, Path dir, Progress progress) throws IOException {
        Files.createDirectories(dir);
        if (user.isOtherUser()) {
            Commands.run(List.of("chown", user.description() + ":", dir.toString()), Duration.ofSeconds(30));
        }
        HelperProcess daemon = HelperProcess.start("bypassd",
                user.command("bypassd", "--socket", dir.resolve("bypassd.sock").toString()), dir.resolve("bypassd.log"));
        NerdctlBypass b = new NerdctlBypass(user, image, dir, daemon, progress);
        try {
            List<String> notified = new ArrayList<>(NOTIFIED);
            notified.add(GUARD);
            ProfileJson.write(NotifyTranslator.withNotify(DefaultProfile.get(), notified, b.agentSocket.toString(), null),
                    b.profile);
            b.awaitApi();
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void awaitApi() throws IOException {
        long deadline = System.nanoTime() + DAEMON_START.toNanos();
        while (true) {
            try {
                client.list();
                return;
            } catch (IOException notYet) {
                if (!daemon.isAlive()) {
                    throw new IOException("jnerd bypassd exited: " + daemon.lastLogLine());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("jnerd bypassd did not answer in " + DAEMON_START.toSeconds() + " s: "
                            + notYet.getMessage());
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for jnerd bypassd", e);
            }
        }
    }

    /** Runs {@code command} in a new container of this kind and returns its stdout. */
    String exec(List<String> command, Duration timeout) throws IOException {
        String id = "jnerd-bench-nerdctl-" + ++runs;
        client.start(new BypassSpec(id, agentSocket.toString(), null, null, List.of(), List.of("127.0.0.0/8", "auto"),
                false));
        String out;
        BypassStatsReport stats;
        try {
            List<String> args = new ArrayList<>(List.of("run", "--rm", "--net=slirp4netns", "--security-opt",
                    "seccomp=" + profile, image));
            args.addAll(command);
            out = user.run(timeout, args.toArray(new String[0]));
            stats = client.stats(id);
        } catch (IOException | RuntimeException e) {
            try {
                client.stop(id);
            } catch (IOException stop) {
                e.addSuppressed(stop);
            }
            throw e;
        }
        client.stop(id);
        if (stats.connectsSwitched() == 0) {
            throw new IOException("bypassd switched no connect (notifications " + stats.notifications() + ")");
        }
        progress.line("connect-nerdctl: bypassd notifications " + stats.notifications() + ", connects switched "
                + stats.connectsSwitched() + ", handler p50 " + Numbers.value(stats.latencyP50Micros()) + " µs");
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            daemon.stop();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
