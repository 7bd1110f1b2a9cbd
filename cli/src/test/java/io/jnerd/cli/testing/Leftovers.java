package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.proto.Containerd;
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

    private static List<String> ids(List<io.jnerd.proto.containerd.containers.Container> containers) {
        List<String> ids = new ArrayList<>();
        containers.forEach(c -> ids.add(c.getId()));
        return ids;
    }
}
