package io.jnerd.engine.container;

import io.jnerd.engine.image.Json;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.types.task.Process;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container as listings show it (jnerd ps, the Docker API's /containers/json): its state
 * decided once here, from its task and the exit code kept after the task is gone.
 *
 * @param state docker's word: created, running, paused or exited
 * @param exitCode the last run's exit status; -1 when it never ran
 */
public record ContainerSummary(String id, String name, String image, List<String> command, Instant created,
        String state, int exitCode, Map<String, String> labels) {

    public static ContainerSummary of(Container c, Optional<Process> task) {
        return of(c, task, command(c));
    }

    /** With its command as {@link #command(Container)} read it before (a listing keeps them). */
    static ContainerSummary of(Container c, Optional<Process> task, List<String> command) {
        String state;
        int exit = -1;
        if (task.isEmpty()) {
            String kept = c.getLabelsMap().get(ContainerLabels.EXIT_CODE);
            state = kept == null ? "created" : "exited";
            exit = kept == null ? -1 : parseExit(kept);
        } else {
            switch (task.get().getStatus()) {
                case RUNNING -> state = "running";
                case PAUSED, PAUSING -> state = "paused";
                case STOPPED -> {
                    state = "exited";
                    exit = task.get().getExitStatus();
                }
                default -> state = "created";
            }
        }
        Instant created = Instant.ofEpochSecond(c.getCreatedAt().getSeconds(), c.getCreatedAt().getNanos());
        return new ContainerSummary(c.getId(), c.getLabelsMap().getOrDefault(ContainerLabels.NAME, ""), c.getImage(),
                command, created, state, exit, Map.copyOf(c.getLabelsMap()));
    }

    /** The process args of its OCI spec. */
    static List<String> command(Container c) {
        List<String> args = new ArrayList<>();
        Json.parse(c.getSpec().getValue().toByteArray(), "the spec of container " + c.getId())
                .path("process").path("args").forEach(a -> args.add(a.asText()));
        return List.copyOf(args);
    }

    /** A label written by a jnerd that this one cannot read counts as a failure, not a success. */
    private static int parseExit(String label) {
        try {
            return Integer.parseInt(label);
        } catch (NumberFormatException e) {
            return 255;
        }
    }

    /** docker ps's STATUS column, without the durations: "Up", "Exited (N)", "Paused", "Created". */
    public String status() {
        return switch (state) {
            case "running" -> "Up";
            case "paused" -> "Up (Paused)";
            case "exited" -> "Exited (" + exitCode + ")";
            default -> "Created";
        };
    }
}
