package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.rootless.NamespacedMount;
import io.jnerd.engine.rootless.RootlessPaths;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.MountApi;
import io.jnerd.nativebindings.Openat2;
import io.jnerd.nativebindings.Pidfd;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.snapshots.MountsRequest;
import io.jnerd.proto.containerd.types.Mount;
import io.jnerd.proto.containerd.types.task.Process;
import io.jnerd.proto.containerd.types.task.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's root filesystem as an O_PATH directory fd, for {@link ContainerArchive} to
 * resolve every path under (openat2 RESOLVE_IN_ROOT), never by a path string the container
 * could redirect. A container with a live task: its init's {@code /proc/PID/root} (with its
 * volumes, as the container sees them). One without (created, or exited): its snapshot,
 * mounted on a private directory and at once detached (MNT_DETACH), so the fd alone holds it
 * and nothing stays mounted after {@link #close()} or a crash; as an ordinary user (rootless
 * containerd) the same, mounted inside rootlesskit's namespaces by {@link NamespacedMount}.
 */
final class ContainerRoot implements AutoCloseable {
    private final Fd fd;

    private ContainerRoot(Fd fd) {
        this.fd = fd;
    }

    Fd fd() {
        return fd;
    }

    /** @param scratch a directory jnerd owns, for the snapshot's short-lived mount point */
    static ContainerRoot open(Containerd containerd, Container c, Path scratch) throws IOException {
        Optional<Process> task = new Containers(containerd).task(c.getId());
        if (task.isPresent() && task.get().getPid() > 0 && task.get().getStatus() != Status.STOPPED) {
            Optional<ContainerRoot> live = ofProcess(task.get().getPid());
            if (live.isPresent()) {
                return live.get();
            }
        }
        return ofSnapshot(containerd, c, scratch);
    }

    /**
     * The root of {@code pid}, checked to be the same process after the open: a pidfd taken
     * before it still reaching a live process means the number was not reused in between.
     */
    private static Optional<ContainerRoot> ofProcess(long pid) throws SyscallException {
        try (Pidfd process = Pidfd.open(pid)) {
            Fd root = Openat2.openPath("/proc/" + pid + "/root");
            try {
                process.sendSignal(0);
                return Optional.of(new ContainerRoot(root));
            } catch (SyscallException exited) {
                root.close();
                return Optional.empty();
            }
        } catch (SyscallException gone) {
            return Optional.empty();
        }
    }

    private static ContainerRoot ofSnapshot(Containerd containerd, Container c, Path scratch) throws IOException {
        List<Mount> mounts = containerd.snapshots().mounts(MountsRequest.newBuilder()
                .setSnapshotter(c.getSnapshotter()).setKey(c.getSnapshotKey()).build()).getMountsList();
        if (mounts.size() != 1) {
            throw new JnerdException("the snapshot of container " + c.getId() + " has " + mounts.size()
                    + " mounts; jnerd reads one");
        }
        Mount m = mounts.get(0);
        if (!m.getType().equals("overlay") && !m.getOptionsList().contains("bind")
                && !m.getOptionsList().contains("rbind")) {
            throw new JnerdException("snapshot mount type " + m.getType() + " is not one jnerd reads (overlay, bind)");
        }
        Files.createDirectories(scratch, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path point = Files.createTempDirectory(scratch, "rootfs-");
        try {
            if (!ContainerdAddress.isRoot()) {
                // An ordinary user's overlay mount fails here with EPERM: rootless containerd's
                // snapshots are mounted where the user is root, inside rootlesskit's namespaces.
                List<String> options = new ArrayList<>(m.getOptionsList());
                options.addAll(List.of("nosuid", "nodev"));
                return new ContainerRoot(NamespacedMount.open(RootlessPaths.fromEnvironment(System.getenv()),
                        m.getType().equals("overlay") ? "overlay" : "none", m.getSource(), options, point));
            }
            mount(m, point);
            try {
                return new ContainerRoot(Openat2.openPath(point.toString()));
            } finally {
                MountApi.umount2(point.toString(), MountApi.MNT_DETACH);
            }
        } catch (SyscallException e) {
            throw new JnerdException("cannot mount the snapshot of container " + c.getId() + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(point);
        }
    }

    /** containerd's overlay or bind mount of a snapshot, never with set-uid files or devices usable. */
    private static void mount(Mount m, Path point) throws SyscallException {
        long flags = MountApi.MS_NOSUID | MountApi.MS_NODEV;
        List<String> data = new ArrayList<>();
        String type = m.getType();
        for (String o : m.getOptionsList()) {
            switch (o) {
                case "rbind" -> flags |= MountApi.MS_BIND | MountApi.MS_REC;
                case "bind" -> flags |= MountApi.MS_BIND;
                case "ro" -> flags |= MountApi.MS_RDONLY;
                case "rw" -> { }
                default -> data.add(o);
            }
        }
        MountApi.mount(m.getSource(), point.toString(), type.equals("overlay") ? type : null, flags,
                data.isEmpty() ? null : String.join(",", data));
    }

    @Override
    public void close() {
        fd.close();
    }
}
