package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.GcLabels;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.Lease;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Pulls an image client-side, as containerd's 1.6 client does: the manifests and the config
 * are fetched first (and, when asked, the signature checked: before anything reaches
 * containerd); then, under one lease, layers are streamed into the content store, the config,
 * manifest and index follow with their GC labels, the layers are unpacked into the
 * snapshotter, and the image record is written last. A failure anywhere ends the lease with
 * a synchronous collection, so whatever was written is gone when the error is reported.
 */
public final class ImagePuller {
    private static final Duration LEASE_EXPIRY = Duration.ofHours(1);
    static final int PARALLEL_LAYERS = 3;
    /** containerd's label naming where a blob came from; push uses it to mount instead of upload. */
    static final String DISTRIBUTION_SOURCE = "containerd.io/distribution.source.";

    private final Containerd containerd;
    private final RegistryClient registry;
    private final TransferEvents progress;
    private final String snapshotter;
    private final Cancellation cancellation = new Cancellation();

    public ImagePuller(Containerd containerd, RegistryClient registry, TransferEvents progress, String snapshotter) {
        this.containerd = containerd;
        this.registry = registry;
        this.progress = progress;
        this.snapshotter = snapshotter;
    }

    /**
     * Stops a {@link #pull} under way from another thread (its caller left): the registry
     * transfers break off, the pull fails and its lease is collected, so nothing half-pulled
     * stays. A pull whose layers are all in finishes. Safe to call at any time, more than once.
     */
    public void cancel() {
        cancellation.cancel();
    }

    /** @return the image as stored in containerd */
    public ResolvedImage pull(ImageRef ref, Platform platform, Optional<ManifestCheck> check)
            throws IOException, SignatureException {
        ManifestBytes root;
        Map<String, byte[]> documents = new HashMap<>();
        ResolvedImage image;
        try (Cancellation.Scope scope = cancellation.enter()) {
            root = registry.manifest(ref.digest() != null ? ref.digest() : ref.tag());
            if (check.isPresent()) {
                progress.say(check.get().check(ref, root, registry));
            }
            documents.put(root.digest(), root.bytes());
            ManifestBytes manifest = root;
            while (MediaTypes.isIndex(manifest.mediaType())) {
                if (documents.size() > 4) {
                    throw new RegistryException(ref + ": indexes nested too deep");
                }
                JsonNode index = Json.parse(manifest.bytes(), "index " + manifest.digest());
                Descriptor chosen = ResolvedImage.selectManifest(ref.toString(), index, platform);
                manifest = registry.manifest(chosen.digest());
                documents.put(manifest.digest(), manifest.bytes());
            }
            if (!MediaTypes.isManifest(manifest.mediaType())) {
                throw new RegistryException(ref + ": unsupported manifest media type " + manifest.mediaType());
            }
            Descriptor config = Descriptor.fromJson(Json.parse(manifest.bytes(), "manifest").path("config"));
            documents.put(config.digest(), registry.blobBytes(config.digest(), config.size()));
            image = ResolvedImage.resolve(ref.toString(), root.descriptor(), platform, documents::get);
        }

        Lease lease = containerd.newLease(LEASE_EXPIRY);
        try {
            Containerd c = lease.client();
            ContentStore content = new ContentStore(c);
            Map<String, String> source = Map.of(DISTRIBUTION_SOURCE + registry.endpoint().domain(), registry.repository());
            fetchLayers(content, image.layers(), source);
            write(content, image.configDescriptor(), documents, source);
            write(content, image.manifest(), documents, source);
            if (!root.digest().equals(image.manifest().digest())) {
                write(content, root.descriptor(), documents, source);
            }
            ImageService images = new ImageService(c);
            images.unpack(c, image, snapshotter);
            images.putImage(c, ref.toString(), root.descriptor());
            lease.close();
        } catch (IOException | RuntimeException e) {
            lease.closeAndCollect();
            throw e;
        }
        return image;
    }

    /**
     * Downloads up to {@value #PARALLEL_LAYERS} layers at once, as docker does; each blob once,
     * however often the manifest lists it. On a failure the others are stopped, and waited
     * for (their writes abort), before the error goes up to end the lease.
     */
    private void fetchLayers(ContentStore content, List<Descriptor> layers, Map<String, String> source)
            throws IOException {
        Map<String, Descriptor> distinct = new LinkedHashMap<>();
        layers.forEach(l -> distinct.putIfAbsent(l.digest(), l));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL_LAYERS, distinct.size())), r -> {
            Thread t = new Thread(r, "jnerd-pull-layer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> downloads = new ArrayList<>();
            for (Descriptor layer : distinct.values()) {
                downloads.add(pool.submit(() -> {
                    try (Cancellation.Scope scope = cancellation.enter()) {
                        fetchLayer(content, layer, source);
                    }
                    return null;
                }));
            }
            for (Future<Void> download : downloads) {
                await(download);
            }
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void await(Future<Void> download) throws IOException {
        try {
            download.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pulling layers", e);
        }
    }

    private void fetchLayer(ContentStore content, Descriptor layer, Map<String, String> source) throws IOException {
        if (content.info(layer.digest()).isPresent()) {
            content.label(layer.digest(), source);
            progress.start(layer.digest(), "Downloading", layer.size()).finish("Already exists");
            return;
        }
        TransferEvents.Blob line = progress.start(layer.digest(), "Downloading", layer.size());
        try (InputStream in = registry.blob(layer, line::advance);
             Cancellation.Scope closing = cancellation.closeOnCancel(in)) {
            content.write(layer, in, source);
        }
        line.finish("Pull complete");
    }

    private static void write(ContentStore content, Descriptor d, Map<String, byte[]> documents, Map<String, String> source)
            throws IOException {
        byte[] bytes = documents.get(d.digest());
        Map<String, String> labels = new HashMap<>(source);
        if (MediaTypes.isIndex(d.mediaType()) || MediaTypes.isManifest(d.mediaType())) {
            labels.putAll(GcLabels.forChildren(d.mediaType(), Json.parse(bytes, d.mediaType())));
        }
        content.write(d, new ByteArrayInputStream(bytes), labels);
    }
}
