package io.jnerd.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.JnerdException;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.Lease;
import io.jnerd.proto.containerd.containers.Container;
import io.jnerd.proto.containerd.images.CreateImageRequest;
import io.jnerd.proto.containerd.images.DeleteImageRequest;
import io.jnerd.proto.containerd.images.GetImageRequest;
import io.jnerd.proto.containerd.images.Image;
import io.jnerd.proto.containerd.images.ListImagesRequest;
import io.jnerd.proto.containerd.images.ListImagesResponse;
import io.jnerd.proto.containerd.images.UpdateImageRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** Images in containerd: import from archives, resolve for running, unpack, list, remove. */
public final class ImageService {
    private static final Duration LEASE_EXPIRY = Duration.ofHours(1);
    /** Shared by every ImageService of the process: front doors make one per request. */
    private static final ResolvedImageCache RESOLVED = new ResolvedImageCache();
    private final Containerd containerd;

    public ImageService(Containerd containerd) {
        this.containerd = containerd;
    }

    /**
     * Imports every image of the archive: blobs (children before parents, with GC labels),
     * image records, and the layers for {@code platform} unpacked into {@code snapshotter}.
     * All under one lease, so a failure half-way leaves nothing the GC will keep.
     */
    public List<String> importArchive(ImageArchive archive, Platform platform, String snapshotter) throws IOException {
        List<String> names = new ArrayList<>();
        try (Lease lease = containerd.newLease(LEASE_EXPIRY)) {
            Containerd c = lease.client();
            ContentStore content = new ContentStore(c);
            for (ImageArchive.Entry entry : archive.entries()) {
                store(archive, content, entry.root(), platform, true);
                ResolvedImage image = ResolvedImage.resolve(entry.name(), entry.root(), platform, blobsOf(archive));
                unpack(c, image, snapshotter);
                putImage(c, entry.name(), entry.root());
                names.add(entry.name());
            }
        }
        return names;
    }

    /** Stores a blob tree; manifests for other platforms that the archive does not carry are skipped. */
    private void store(ImageArchive archive, ContentStore content, Descriptor d, Platform platform, boolean required)
            throws IOException {
        if (!archive.has(d.digest())) {
            if (required) {
                throw new IOException("archive lacks blob " + d.digest() + " (" + d.mediaType() + ")");
            }
            return;
        }
        if (MediaTypes.isIndex(d.mediaType()) || MediaTypes.isManifest(d.mediaType())) {
            byte[] bytes = archive.readBlob(d.digest());
            JsonNode doc = Json.parse(bytes, d.mediaType() + " " + d.digest());
            if (MediaTypes.isIndex(d.mediaType())) {
                for (JsonNode m : doc.path("manifests")) {
                    Descriptor child = Descriptor.fromJson(m);
                    store(archive, content, child, platform, platform.matches(child.platform()));
                }
            } else {
                store(archive, content, Descriptor.fromJson(doc.path("config")), platform, true);
                for (JsonNode l : doc.path("layers")) {
                    store(archive, content, Descriptor.fromJson(l), platform, true);
                }
            }
            content.write(d, new java.io.ByteArrayInputStream(bytes), GcLabels.forChildren(d.mediaType(), doc));
        } else {
            try (var in = archive.openBlob(d.digest())) {
                content.write(d, in, java.util.Map.of());
            }
        }
    }

    private static BlobSource blobsOf(ImageArchive archive) {
        return digest -> {
            try {
                return archive.readBlob(digest);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Creates or updates the image record {@code name} → {@code root}; call inside the lease that holds its blobs. */
    public void putImage(Containerd c, String name, Descriptor root) {
        createOrUpdate(c, Image.newBuilder().setName(name).setTarget(root.toProto()).build());
    }

    private static void createOrUpdate(Containerd c, Image image) {
        try {
            c.images().create(CreateImageRequest.newBuilder().setImage(image).build());
        } catch (StatusRuntimeException e) {
            if (!ContainerdErrors.isAlreadyExists(e)) {
                throw e;
            }
            c.images().update(UpdateImageRequest.newBuilder().setImage(image).build());
        }
    }

    /** Unpacks (if needed) and pins the snapshot chain to the config blob; call inside a lease. */
    public void unpack(Containerd c, ResolvedImage image, String snapshotter) {
        ImageUnpacker unpacker = new ImageUnpacker(c, snapshotter);
        String chainId = image.chainId();
        if (!unpacker.isUnpacked(chainId)) {
            unpacker.unpack(image.layers(), image.diffIds());
        }
        // Every run of an unpacked image passes here: a read when the label is there already,
        // rather than a write (a metadata transaction, fsync'd, in containerd's bolt database).
        ContentStore content = new ContentStore(c);
        String config = image.configDescriptor().digest();
        Map<String, String> gc = GcLabels.forSnapshot(snapshotter, chainId);
        boolean labelled = content.info(config).map(i -> i.getLabelsMap().entrySet().containsAll(gc.entrySet())).orElse(false);
        if (!labelled) {
            content.label(config, gc);
        }
    }

    public Optional<Image> get(String name) {
        try {
            return Optional.of(containerd.images().get(GetImageRequest.newBuilder().setName(name).build()).getImage());
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The image named {@code ref} (normalized), or a one-line error with exit code 125. */
    public ResolvedImage resolve(String ref, Platform platform) {
        Image image = get(normalize(ref)).orElseThrow(() -> new JnerdException("image not found: " + ref
                + " (pull it with 'jnerd pull', or load it with 'jnerd load -i FILE')"));
        return resolve(image, platform);
    }

    /** The image record {@link #get} gave, resolved for {@code platform} (its manifest and config read). */
    public ResolvedImage resolve(Image image, Platform platform) {
        Descriptor target = Descriptor.fromProto(image.getTarget());
        return RESOLVED.get(image.getName(), target, platform, () -> ResolvedImage.resolve(image.getName(), target, platform,
                new ContentStore(containerd)::read));
    }

    /** Removes every image none of {@code containers} was made from; their names. */
    public List<String> pruneUnused(List<Container> containers) {
        Set<String> used = new HashSet<>();
        containers.forEach(c -> used.add(c.getImage()));
        List<String> removed = new ArrayList<>();
        for (Image image : list()) {
            if (used.contains(image.getName())) {
                continue;
            }
            try {
                // By its stored name: one jnerd could not parse is removed all the same.
                containerd.images().delete(DeleteImageRequest.newBuilder().setName(image.getName()).setSync(true).build());
                removed.add(image.getName());
            } catch (StatusRuntimeException e) {
                if (!ContainerdErrors.isNotFound(e)) {
                    throw e;
                }
            }
        }
        return removed;
    }

    public List<Image> list() {
        return containerd.images().list(ListImagesRequest.getDefaultInstance()).getImagesList();
    }

    /**
     * docker tag: {@code target} names what {@code source} names (its labels too); a name
     * {@code target} had is replaced. The blobs are already held by {@code source}'s record.
     *
     * @return target's full name
     */
    public String tag(String source, String target) {
        // docker tag exits 1 for a missing image, as for any error the daemon answers.
        Image from = get(normalize(source)).orElseThrow(() -> new JnerdException(1, "no such image: " + source, null));
        String name = normalize(target);
        createOrUpdate(containerd, from.toBuilder().setName(name).clearCreatedAt().clearUpdatedAt().build());
        return name;
    }

    /**
     * Every image name with its ID ({@link ImageSummary#id()}), from the image records alone:
     * what docker ps shows of each container's image, without reading every image's manifest
     * and config for a size, as {@link #summaries()} does. Asked now, read when wanted (a
     * listing asks beside Containers/List: 0.3 ms less of its 1.2 ms for 10 containers here);
     * {@link IdsLater#cancel()} when not.
     */
    public IdsLater ids() {
        return new IdsLater(containerd.imagesFuture().list(ListImagesRequest.getDefaultInstance()));
    }

    /** {@link #ids()} on its way. */
    public static final class IdsLater {
        private final ListenableFuture<ListImagesResponse> call;

        private IdsLater(ListenableFuture<ListImagesResponse> call) {
            this.call = call;
        }

        /** The IDs by image name, once containerd answered; what it failed with as a gRPC status. */
        public Map<String, String> get() {
            List<Image> images;
            try {
                images = call.get().getImagesList();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof StatusRuntimeException s ? s : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JnerdException("interrupted listing images");
            }
            Map<String, String> ids = new java.util.HashMap<>();
            for (Image image : images) {
                ids.put(image.getName(), ImageSummary.id(image));
            }
            return ids;
        }

        public void cancel() {
            call.cancel(true);
        }
    }

    /** Every image name with its size for the host platform. */
    public List<ImageSummary> summaries() {
        List<ImageSummary> all = new java.util.ArrayList<>();
        for (Image image : list()) {
            all.add(ImageSummary.of(image, this));
        }
        return all;
    }

    /**
     * docker's rmi: refuses an image one of {@code containers} was created from, unless
     * {@code force} (the containers keep their snapshots).
     *
     * @return the image's full name
     * @throws JnerdException naming the container that uses it, or when there is no such image
     */
    public String remove(String ref, boolean force, List<Container> containers) {
        String name = normalize(ref);
        if (!force) {
            for (Container c : containers) {
                if (c.getImage().equals(name)) {
                    throw new JnerdException("image " + ref + " is used by container " + c.getId().substring(0, 12)
                            + ": remove the container first or use rmi -f");
                }
            }
        }
        remove(ref);
        return name;
    }

    public void remove(String ref) {
        String name = normalize(ref);
        try {
            containerd.images().delete(DeleteImageRequest.newBuilder().setName(name).setSync(true).build());
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                throw new JnerdException("no such image: " + ref);
            }
            throw e;
        }
    }

    public static String normalize(String ref) {
        try {
            return ImageRef.parse(ref).toString();
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
    }
}
