package io.jnerd.api;

import io.jnerd.engine.container.ContainerArchive;
import io.jnerd.engine.container.ContainerSummary;
import io.jnerd.engine.container.ContainerSupervisor;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.container.RunningTasks;
import io.jnerd.engine.container.ExecInstances;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.network.BypassNetwork;
import io.jnerd.proto.Containerd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The endpoints that drive the engine, over one containerd connection the daemon holds. */
public final class EngineRoutes {

    private EngineRoutes() {}

    /**
     * @param env the daemon's environment (registry credentials from DOCKER_CONFIG or HOME)
     * @param stateRoot jnerd's state dir, as jnerd run uses it
     * @param bypassdSocket where a bypassd listens that containers' networks may use
     * @param keeperMain the class whose main runs {@code network-keeper} (the networks of the containers it starts)
     * @param log where the daemon's own remarks go
     * @param running the running tasks as containerd's events tell them, for listings
     */
    public static void register(DockerApi api, Containerd containerd, Map<String, String> env, String snapshotter,
            Path stateRoot, Optional<Path> bypassdSocket, String keeperMain, Consumer<String> log, RunningTasks running) {
        EventStream events = new EventStream();
        BypassNetwork.Settings bypass = new BypassNetwork.Settings(List.of(), bypassdSocket, line -> { });
        ContainerSupervisor supervisor = new ContainerSupervisor(containerd, stateRoot, keeperMain, bypass, events);
        new ContainerRoutes(new Containers(containerd, running), supervisor, new ImageService(containerd), stateRoot,
                bypassdSocket).register(api.routes());
        new RunRoutes(containerd, supervisor, stateRoot, snapshotter, bypass, log).register(api.routes());
        events.register(api.routes());
        new ImageRoutes(containerd, env, snapshotter).register(api.routes());
        new ExecRoutes(new ExecInstances(containerd, stateRoot), new Containers(containerd)).register(api.routes());
        new ImageArchiveRoutes(containerd, snapshotter, stateRoot).register(api.routes());
        new ArchiveRoutes(new ContainerArchive(containerd, stateRoot), new Containers(containerd)).register(api.routes());
    }

    /** What /info counts, read from containerd at each request. */
    public static Supplier<EngineSummary> summary(Containerd containerd, RunningTasks tasks, String rootDir,
            boolean rootless) {
        Containers containers = new Containers(containerd, tasks);
        ImageService images = new ImageService(containerd);
        return () -> {
            int running = 0;
            int paused = 0;
            int stopped = 0;
            int total = 0;
            for (ContainerSummary c : containers.summaries()) {
                total++;
                switch (c.state()) {
                    case "running" -> running++;
                    case "paused" -> paused++;
                    default -> stopped++;
                }
            }
            return new EngineSummary(total, running, paused, stopped, images.list().size(), "overlayfs", rootDir,
                    rootless);
        };
    }
}
