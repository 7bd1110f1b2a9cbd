package io.jnerd.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.api.Daemon;
import io.jnerd.api.DockerCli;
import io.jnerd.api.EngineRoutes;
import io.jnerd.api.EngineSummary;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.Leftovers;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.container.RunningTasks;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.testing.ContainerdFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One containerd with the busybox test image, jnerd daemon in this JVM over it, and the real
 * docker CLI against it: what a test class shares. Closing checks nothing is left in containerd.
 */
final class InProcessDaemon implements AutoCloseable {
    final ContainerdFixture fixture;
    final Cli cli;
    final DockerCli docker;
    private final Containerd containerd;
    private final RunningTasks running;
    private final Daemon daemon;
    private final List<String> containers = new ArrayList<>();

    private InProcessDaemon(ContainerdFixture fixture, Cli cli, Containerd containerd, RunningTasks running, Daemon daemon,
            DockerCli docker) {
        this.fixture = fixture;
        this.cli = cli;
        this.containerd = containerd;
        this.running = running;
        this.daemon = daemon;
        this.docker = docker;
    }

    static InProcessDaemon start(Path tmp) throws Exception {
        DockerCli.binary();
        ContainerdFixture fixture = ContainerdFixture.start();
        try {
            Cli cli = new Cli(fixture, tmp.resolve("state"));
            assertEquals(0, cli.run("load", "-i", TestImages.busyboxArchive(tmp).toString()).exitCode);
            Containerd containerd = fixture.connect();
            RunningTasks running = RunningTasks.follow(containerd, line -> { });
            Daemon daemon = Daemon.start("unix://" + tmp.resolve("d.sock"), Map.of(), "test", () -> EngineSummary.NONE,
                    false, line -> { }, api -> EngineRoutes.register(api, containerd, Map.of(), "overlayfs",
                            cli.stateDir(), Optional.empty(), io.jnerd.cli.Main.class.getName(), line -> { }, running));
            Files.createDirectories(tmp.resolve("docker"));
            return new InProcessDaemon(fixture, cli, containerd, running, daemon,
                    new DockerCli(daemon.socket(), tmp.resolve("docker")));
        } catch (Exception | Error e) {
            fixture.close();
            throw e;
        }
    }

    /** A detached busybox container named {@code name}, running {@code sleep 300} with no network; removed at close. */
    void runDetached(String name) {
        run("-d", "--name", name, "--net", "none", TestImages.NAME, "sleep", "300");
    }

    /** jnerd run ARGS, which must exit 0; a container it names with --name is removed at close. */
    void run(String... args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--name")) {
                containers.add(args[i + 1]);
            }
        }
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.Result run = cli.run(all);
        assertEquals(0, run.exitCode, run.toString());
    }

    Path socket() {
        return daemon.socket();
    }

    @Override
    public void close() throws Exception {
        try {
            for (String name : containers) {
                Cli.Result rm = cli.run("rm", "-f", name);
                assertEquals(0, rm.exitCode, rm.toString());
            }
            daemon.close();
            running.close();
            containerd.close();
            Leftovers.assertNone(fixture);
        } finally {
            fixture.close();
        }
    }
}
