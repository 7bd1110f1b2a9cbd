package io.jnerd.engine.image;

import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.diff.ApplyRequest;
import io.jnerd.proto.containerd.snapshots.CommitSnapshotRequest;
import io.jnerd.proto.containerd.snapshots.PrepareSnapshotRequest;
import io.jnerd.proto.containerd.snapshots.RemoveSnapshotRequest;
import io.jnerd.proto.containerd.snapshots.StatSnapshotRequest;
import io.jnerd.proto.containerd.types.Mount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Unpacks an image's layers into a snapshotter, as containerd's unpacker does: per layer,
 * Prepare an active snapshot on its parent chain, Diff.Apply the layer blob onto it,
 * check the applied digest against the config's diff ID, Commit it under its chain ID.
 * Layers already unpacked (same chain ID) are skipped. Run inside a lease.
 */
public final class ImageUnpacker {
    private final Containerd containerd;
    private final String snapshotter;

    public ImageUnpacker(Containerd containerd, String snapshotter) {
        this.containerd = containerd;
        this.snapshotter = snapshotter;
    }

    public boolean isUnpacked(String chainId) {
        try {
            containerd.snapshots().stat(StatSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(chainId).build());
            return true;
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Unpacks {@code layers} (manifest order) whose uncompressed digests are {@code diffIds}; returns the top chain ID. */
    public String unpack(List<Descriptor> layers, List<String> diffIds) {
        if (layers.size() != diffIds.size()) {
            throw new IllegalArgumentException("image has " + layers.size() + " layers but " + diffIds.size() + " diff IDs");
        }
        ContentStore content = new ContentStore(containerd);
        List<String> chain = new ArrayList<>();
        String parent = "";
        for (int i = 0; i < layers.size(); i++) {
            chain.add(diffIds.get(i));
            String chainId = Digest.chainId(chain);
            if (!isUnpacked(chainId)) {
                apply(layers.get(i), diffIds.get(i), parent, chainId);
            }
            content.label(layers.get(i).digest(), Map.of(GcLabels.UNCOMPRESSED, diffIds.get(i)));
            parent = chainId;
        }
        return parent;
    }

    private void apply(Descriptor layer, String diffId, String parent, String chainId) {
        String key = "extract-" + System.nanoTime() + " " + chainId;
        List<Mount> mounts = containerd.snapshots().prepare(PrepareSnapshotRequest.newBuilder()
                .setSnapshotter(snapshotter).setKey(key).setParent(parent)
                .putLabels("containerd.io/snapshot.ref", chainId).build()).getMountsList();
        try {
            String applied = containerd.diff()
                    .withDeadlineAfter(containerd.callTimeout().toMillis() * 10, TimeUnit.MILLISECONDS)
                    .apply(ApplyRequest.newBuilder().setDiff(layer.toProto()).addAllMounts(mounts).build())
                    .getApplied().getDigest();
            if (!applied.equals(diffId)) {
                throw new IllegalStateException("layer " + layer.digest() + " unpacked to " + applied
                        + ", but the image config says its diff ID is " + diffId);
            }
            containerd.snapshots().commit(CommitSnapshotRequest.newBuilder()
                    .setSnapshotter(snapshotter).setName(chainId).setKey(key).build());
        } catch (RuntimeException e) {
            try {
                containerd.snapshots().remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
            } catch (StatusRuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof StatusRuntimeException && ContainerdErrors.isAlreadyExists((StatusRuntimeException) e)) {
                return; // unpacked concurrently by someone else: the snapshot is there.
            }
            throw e;
        }
    }
}
