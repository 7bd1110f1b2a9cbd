package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.proto.Containerd;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.proto.containerd.containers.ListContainersRequest;
import io.jnerd.proto.containerd.leases.ListRequest;
import io.jnerd.proto.containerd.snapshots.Info;
import io.jnerd.proto.containerd.snapshots.Kind;
import io.jnerd.proto.containerd.snapshots.ListSnapshotsRequest;
import io.jnerd.proto.containerd.tasks.ListTasksRequest;
import java.util.ArrayList;
import java.util.List;

/** Asserts through containerd's API that nothing but images is left: no container, task, lease or active snapshot. */
public final class Leftovers {
    private Leftovers() {}

    public static void assertNone(ContainerdFixture fixture) throws Exception {
        try (Containerd c = fixture.connect()) {
            assertEquals(List.of(), ids(c.containers().list(ListContainersRequest.getDefaultInstance()).getContainersList()),
                    "containers left");
            assertEquals(0, c.tasks().list(ListTasksRequest.getDefaultInstance()).getTasksCount(), "tasks left");
            assertEquals(0, c.leases().list(ListRequest.getDefaultInstance()).getLeasesCount(), "leases left");
            List<String> active = new ArrayList<>();
            c.snapshots().list(ListSnapshotsRequest.newBuilder().setSnapshotter("overlayfs").build())
                    .forEachRemaining(r -> {
                        for (Info i : r.getInfoList()) {
                            if (i.getKind() != Kind.COMMITTED) {
                                active.add(i.getName());
                            }
                        }
                    });
            assertEquals(List.of(), active, "active snapshots left");
        }
    }

    /**
     * Command lines of the processes a container's network left (empty: none): its driver
     * (slirp4netns, pasta) names its network dir, which is named by the id's first 16 hex
     * digits. The resident network keeper holds many containers and names none; containerd's
     * shim is not the network's: it stays until the task is deleted.
     */
    public static String processesOf(String containerId) throws java.io.IOException, InterruptedException {
        Process pgrep = new ProcessBuilder("pgrep", "-af", containerId.substring(0, 16)).redirectErrorStream(true).start();
        String found = new String(pgrep.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        pgrep.waitFor();
        StringBuilder network = new StringBuilder();
        found.lines().filter(l -> !l.contains("containerd-shim")).forEach(l -> network.append(l).append('\n'));
        return network.toString();
    }

    private static List<String> ids(List<io.jnerd.proto.containerd.containers.Container> containers) {
        List<String> ids = new ArrayList<>();
        containers.forEach(c -> ids.add(c.getId()));
        return ids;
    }
}
