package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.proto.testing.ContainerdFixture;
import io.jnerd.cli.testing.RegistryFixture;
import io.jnerd.cli.testing.TestImages;
import io.jnerd.engine.image.ContentStore;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.OciImage;
import io.jnerd.engine.image.OciImageBuilder;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.content.ListContentRequest;
import io.jnerd.proto.containerd.images.ListImagesRequest;
import io.jnerd.proto.containerd.leases.ListRequest;
import io.jnerd.proto.containerd.snapshots.ListSnapshotsRequest;
import io.jnerd.proto.containerd.snapshots.StatSnapshotRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A containerd and an open docker-registry for one test class, with the checks pull tests
 * make. Each pull goes into a containerd namespace of its own, so "nothing was left" is
 * checked on a namespace that held nothing before.
 */
final class RegistryTestBed implements AutoCloseable {
    private final AtomicInteger namespaces = new AtomicInteger();
    final Path tmp;
    final ContainerdFixture containerd;
    final RegistryFixture registry;
    final Cli cli;

    private RegistryTestBed(Path tmp, ContainerdFixture containerd, RegistryFixture registry) {
        this.tmp = tmp;
        this.containerd = containerd;
        this.registry = registry;
        this.cli = new Cli(containerd, tmp.resolve("state"));
    }

    static RegistryTestBed start(Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(TestImages.BUSYBOX), "needs " + TestImages.BUSYBOX + " (apt-get install busybox-static)");
        ContainerdFixture containerd = ContainerdFixture.start();
        try {
            return new RegistryTestBed(tmp, containerd, RegistryFixture.start(tmp.resolve("registry")));
        } catch (Exception | Error e) {
            containerd.close();
            throw e;
        }
    }

    /** busybox with {@code FOO=value}: a different value is a different image. */
    static OciImage busybox(String value) throws Exception {
        return OciImageBuilder.busybox(TestImages.BUSYBOX).env("FOO=" + value).build();
    }

    /** Loads the image into the fixture's namespace as {@code name}. */
    void load(OciImage image, String name) throws Exception {
        Path archive = tmp.resolve("load-" + System.nanoTime() + ".tar");
        image.writeOciArchive(archive, name);
        Cli.Result r = jnerd(null, Map.of(), "load", "-i", archive.toString());
        assertEquals(0, r.exitCode, r.toString());
        Files.delete(archive);
    }

    /** Loads and pushes; returns the name. */
    String push(OciImage image, String repositoryAndTag) throws Exception {
        return push(image, repositoryAndTag, Map.of());
    }

    String push(OciImage image, String repositoryAndTag, Map<String, String> env, String... flags) throws Exception {
        String name = registry.host() + "/" + repositoryAndTag;
        load(image, name);
        List<String> args = new ArrayList<>(List.of("push"));
        args.addAll(List.of(flags));
        args.add(name);
        Cli.Result r = jnerd(null, env, args.toArray(new String[0]));
        assertEquals(0, r.exitCode, r.toString());
        return name;
    }

    String newNamespace() {
        return "pull-" + ProcessHandle.current().pid() + "-" + namespaces.incrementAndGet();
    }

    Containerd connect(String namespace) throws Exception {
        return Containerd.connect(containerd.socket(), namespace);
    }

    /** Runs jnerd in the fixture's namespace (or {@code ns}), without docker credentials unless {@code extraEnv} has some. */
    Cli.Result jnerd(String ns, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKER_CONFIG", tmp.resolve("no-docker-config").toString());
        if (ns != null) {
            env.put("CONTAINERD_NAMESPACE", ns);
        }
        env.putAll(extraEnv);
        return cli.withEnv(env).run(args);
    }

    ResolvedImage assertPulled(String ns, String name, String targetDigest) throws Exception {
        return assertPulled(ns, name, targetDigest, Platform.host());
    }

    /** The image is recorded with this target, its config and layers are in the store, its layers unpacked. */
    ResolvedImage assertPulled(String ns, String name, String targetDigest, Platform platform) throws Exception {
        try (Containerd c = connect(ns)) {
            ImageService images = new ImageService(c);
            assertEquals(targetDigest, images.get(name).orElseThrow().getTarget().getDigest());
            ResolvedImage image = images.resolve(name, platform);
            c.snapshots().stat(StatSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey(image.chainId()).build());
            ContentStore content = new ContentStore(c);
            for (Descriptor layer : image.layers()) {
                assertTrue(content.info(layer.digest()).isPresent(), "layer " + layer.digest());
            }
            assertEquals(image.chainId(), content.info(image.configDescriptor().digest()).orElseThrow()
                    .getLabelsOrThrow("containerd.io/gc.ref.snapshot.overlayfs"));
            assertEquals(0, c.leases().list(ListRequest.getDefaultInstance()).getLeasesCount(), "the pull's lease is gone");
            return image;
        }
    }

    /** No image, lease, blob or snapshot in the namespace (blobs and snapshots: once the collector has run). */
    void assertNothingIn(String ns) throws Exception {
        try (Containerd c = connect(ns)) {
            assertEquals(0, c.images().list(ListImagesRequest.getDefaultInstance()).getImagesCount(), "images");
            assertEquals(0, c.leases().list(ListRequest.getDefaultInstance()).getLeasesCount(), "leases");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<String> left = leftovers(c);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                left = leftovers(c);
            }
            assertTrue(left.isEmpty(), "left in containerd: " + left);
        }
    }

    private static List<String> leftovers(Containerd c) {
        List<String> found = new ArrayList<>();
        c.content().list(ListContentRequest.getDefaultInstance())
                .forEachRemaining(r -> r.getInfoList().forEach(i -> found.add("blob " + i.getDigest())));
        c.snapshots().list(ListSnapshotsRequest.newBuilder().setSnapshotter("overlayfs").build())
                .forEachRemaining(r -> r.getInfoList().forEach(i -> found.add("snapshot " + i.getName())));
        return found;
    }

    @Override
    public void close() throws Exception {
        try {
            registry.close();
        } finally {
            containerd.close();
        }
    }
}
