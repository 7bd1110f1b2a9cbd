package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.cli.testing.Cli;
import io.jnerd.cli.testing.FaultyProxy;
import io.jnerd.cli.testing.RegistryFixture;
import io.jnerd.cli.testing.TokenServer;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Json;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.image.OciImage;
import io.jnerd.engine.image.OciImageBuilder;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.RegistryEndpoint;
import io.jnerd.proto.Containerd;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * push and pull against Debian's docker-registry on 127.0.0.1 and a real containerd (pull by
 * digest, a missing image and an unreachable registry are in {@link io.jnerd.engine.image.PullTest}).
 */
@Tag("privileged")
class RegistryPullPushTest {
    @TempDir
    static Path tmp;
    static RegistryTestBed bed;
    static OciImage busybox;
    static String pushed;

    @BeforeAll
    static void start() throws Exception {
        bed = RegistryTestBed.start(tmp);
        busybox = RegistryTestBed.busybox("bar");
        pushed = bed.push(busybox, "test/busybox:v1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void pushedImageIsWhatSkopeoSeesAndPullsBackUnpacked() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "needs skopeo");
        Process p = new ProcessBuilder("skopeo", "inspect", "--tls-verify=false", "docker://" + pushed)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals(busybox.manifest().digest(), Json.parse(out.getBytes(StandardCharsets.UTF_8), "skopeo").path("Digest").asText());

        String ns = bed.newNamespace();
        long start = System.nanoTime();
        Cli.Result r = bed.jnerd(ns, Map.of(), "pull", pushed);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exitCode, r.toString());
        System.out.println("pull of " + pushed + " (" + busybox.blobs().values().stream().mapToLong(b -> b.length).sum()
                + " bytes) took " + millis + " ms");
        assertTrue(r.out.contains("Pull complete"), r.out);
        assertTrue(r.out.endsWith(pushed + "\n"), r.out);
        bed.assertPulled(ns, pushed, busybox.manifest().digest());
    }

    @Test
    void secondPushToAnotherRepositoryMountsTheBlobs() throws Exception {
        String copy = bed.registry.host() + "/test/copy:v1";
        bed.load(busybox, copy);
        Cli.Result r = bed.jnerd(null, Map.of(), "push", copy);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("Mounted from test/busybox"), r.out);
        Cli.Result again = bed.jnerd(null, Map.of(), "push", copy);
        assertTrue(again.out.contains("Layer already exists"), again.out);
    }

    @Test
    void indexPullsThePlatformAskedFor() throws Exception {
        OciImage other = new OciImageBuilder(new Platform("linux", "riscv64", ""))
                .addText("/etc/os-release", "ID=riscv-test\n", 0644).build();
        RegistryClient client = RegistryClient.open(RegistryEndpoint.of(bed.registry.host(), List.of()), "test/multi", Optional.empty());
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        for (OciImage image : List.of(busybox, other)) {
            upload(client, image.blobs(), image.manifest().digest());
            byte[] manifest = image.blobs().get(image.manifest().digest());
            client.putManifest(image.manifest().digest(), MediaTypes.OCI_MANIFEST, manifest);
            JsonNode config = Json.parse(image.blobs().get(Json.parse(manifest, "m").path("config").path("digest").asText()), "c");
            ObjectNode entry = image.manifest().toJson();
            entry.putObject("platform").put("os", config.path("os").asText())
                    .put("architecture", config.path("architecture").asText());
            index.withArray("manifests").add(entry);
        }
        byte[] indexBytes = Json.bytes(index);
        client.putManifest("v1", MediaTypes.OCI_INDEX, indexBytes);
        String name = bed.registry.host() + "/test/multi:v1";

        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, Map.of(), "pull", "--platform", "linux/riscv64", name);
        assertEquals(0, r.exitCode, r.toString());
        ResolvedImage riscv = bed.assertPulled(ns, name, io.jnerd.engine.image.Digest.of(indexBytes), new Platform("linux", "riscv64", ""));
        assertEquals(other.manifest().digest(), riscv.manifest().digest());
        assertEquals("riscv64", riscv.config().path("architecture").asText());

        String hostNs = bed.newNamespace();
        assertEquals(0, bed.jnerd(hostNs, Map.of(), "pull", name).exitCode);
        try (Containerd c = bed.connect(hostNs)) {
            assertEquals(busybox.manifest().digest(), new ImageService(c).resolve(name, Platform.host()).manifest().digest());
        }

        String noneNs = bed.newNamespace();
        Cli.Result none = bed.jnerd(noneNs, Map.of(), "pull", "--platform", "linux/s390x", name);
        assertEquals(125, none.exitCode, none.toString());
        assertTrue(none.err.contains("no image for platform linux/s390x"), none.err);
        bed.assertNothingIn(noneNs);
    }

    /** Uploads every blob but the manifest. */
    private static void upload(RegistryClient client, Map<String, byte[]> blobs, String manifestDigest) throws Exception {
        for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            if (!blob.getKey().equals(manifestDigest)) {
                byte[] bytes = blob.getValue();
                client.upload(new Descriptor("", blob.getKey(), bytes.length, null, null),
                        () -> new ByteArrayInputStream(bytes), n -> { });
            }
        }
    }

    @Test
    void layersOfAManyLayerImageArePulledTogetherAndUnpackedAsOneChain() throws Exception {
        OciImage top = new OciImageBuilder(Platform.host()).addText("/etc/motd", "second layer\n", 0644).build();
        JsonNode baseManifest = Json.parse(busybox.blobs().get(busybox.manifest().digest()), "manifest");
        JsonNode topManifest = Json.parse(top.blobs().get(top.manifest().digest()), "manifest");
        ObjectNode config = (ObjectNode) Json.parse(busybox.blobs().get(baseManifest.path("config").path("digest").asText()), "config");
        JsonNode topConfig = Json.parse(top.blobs().get(topManifest.path("config").path("digest").asText()), "config");
        ((com.fasterxml.jackson.databind.node.ArrayNode) config.path("rootfs").path("diff_ids"))
                .add(topConfig.path("rootfs").path("diff_ids").get(0).asText());
        byte[] configBytes = Json.bytes(config);
        ObjectNode manifest = Json.object();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.set("config", Descriptor.of(MediaTypes.OCI_CONFIG, configBytes).toJson());
        manifest.putArray("layers").add(baseManifest.path("layers").get(0)).add(topManifest.path("layers").get(0));
        byte[] manifestBytes = Json.bytes(manifest);

        RegistryClient client = RegistryClient.open(RegistryEndpoint.of(bed.registry.host(), List.of()), "test/layers", Optional.empty());
        upload(client, busybox.blobs(), busybox.manifest().digest());
        upload(client, top.blobs(), top.manifest().digest());
        upload(client, Map.of(io.jnerd.engine.image.Digest.of(configBytes), configBytes), "");
        client.putManifest("v1", MediaTypes.OCI_MANIFEST, manifestBytes);

        String ns = bed.newNamespace();
        String name = bed.registry.host() + "/test/layers:v1";
        Cli.Result r = bed.jnerd(ns, Map.of(), "pull", name);
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(2, r.out.lines().filter(l -> l.contains("Pull complete")).count(), r.out);
        ResolvedImage image = bed.assertPulled(ns, name, io.jnerd.engine.image.Digest.of(manifestBytes));
        assertEquals(2, image.layers().size());
    }

    @Test
    void corruptedBlobIsRefusedAndLeavesNothing() throws Exception {
        String layer = firstLayer(busybox);
        try (FaultyProxy proxy = FaultyProxy.start(bed.registry.host(), layer, FaultyProxy.Fault.FLIP_BYTE)) {
            String ns = bed.newNamespace();
            Cli.Result r = bed.jnerd(ns, Map.of(), "pull", proxy.host() + "/test/busybox:v1");
            assertEquals(125, r.exitCode, r.toString());
            assertEquals(1, r.err.lines().count(), r.err);
            assertTrue(r.err.contains("blob " + layer) && r.err.contains("does not match its digest"), r.err);
            bed.assertNothingIn(ns);
        }
    }

    @Test
    void droppedConnectionResumesFromTheOffsetReached() throws Exception {
        String layer = firstLayer(busybox);
        try (FaultyProxy proxy = FaultyProxy.start(bed.registry.host(), layer, FaultyProxy.Fault.CUT_FIRST_TRANSFER)) {
            String ns = bed.newNamespace();
            String name = proxy.host() + "/test/busybox:v1";
            Cli.Result r = bed.jnerd(ns, Map.of(), "pull", name);
            assertEquals(0, r.exitCode, r.toString());
            List<String> ranges = proxy.blobRanges();
            assertEquals(2, ranges.size(), ranges.toString());
            assertEquals("", ranges.get(0));
            long half = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
            assertTrue(half > 0, ranges.toString());
            bed.assertPulled(ns, name, busybox.manifest().digest());
        }
    }

    private static String firstLayer(OciImage image) {
        return Json.parse(image.blobs().get(image.manifest().digest()), "manifest").path("layers").get(0).path("digest").asText();
    }

    @Test
    void tokenAuthWithCredentialsFromTheDockerConfig() throws Exception {
        try (TokenServer tokens = TokenServer.start("alice", "s3cret");
             RegistryFixture secured = RegistryFixture.start(tmp.resolve("secured-registry"), tokens)) {
            String name = secured.host() + "/private/busybox:v1";
            bed.load(busybox, name);
            Path anonymous = tmp.resolve("docker-anon");
            Files.createDirectories(anonymous);
            Cli.Result refused = bed.jnerd(null, Map.of("DOCKER_CONFIG", anonymous.toString()), "push", name);
            assertEquals(125, refused.exitCode, refused.toString());
            assertTrue(refused.err.contains("refused a token") && refused.err.contains("no credentials"), refused.err);

            Path config = tmp.resolve("docker-alice");
            Files.createDirectories(config);
            String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + secured.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString());
            Cli.Result push = bed.jnerd(null, env, "push", name);
            assertEquals(0, push.exitCode, push.toString());
            int afterPush = tokens.issued();
            assertTrue(afterPush > 0, "the push was authorized by tokens");

            String ns = bed.newNamespace();
            Cli.Result pull = bed.jnerd(ns, env, "pull", name);
            assertEquals(0, pull.exitCode, pull.toString());
            assertTrue(tokens.issued() > afterPush, "the pull asked for its own token");
            bed.assertPulled(ns, name, busybox.manifest().digest());

            Path identity = tmp.resolve("docker-identity");
            Files.createDirectories(identity);
            Files.writeString(identity.resolve("config.json"), "{\"auths\":{\"" + secured.host()
                    + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString("alice:".getBytes(StandardCharsets.UTF_8))
                    + "\",\"identitytoken\":\"s3cret\"}}}");
            String identityNs = bed.newNamespace();
            Cli.Result byIdentity = bed.jnerd(identityNs, Map.of("DOCKER_CONFIG", identity.toString()), "pull", name);
            assertEquals(0, byIdentity.exitCode, byIdentity.toString());
            assertTrue(tokens.refreshGrants() > 0, "the identity token was traded as an OAuth2 refresh token");

            String anonNs = bed.newNamespace();
            Cli.Result anonPull = bed.jnerd(anonNs, Map.of("DOCKER_CONFIG", anonymous.toString()), "pull", name);
            assertEquals(125, anonPull.exitCode, anonPull.toString());
            bed.assertNothingIn(anonNs);
        }
    }


    @Test
    void anonymousTokensAsDockerHubGivesThemForPublicImages() throws Exception {
        try (TokenServer tokens = TokenServer.anonymous();
             RegistryFixture secured = RegistryFixture.start(tmp.resolve("anonymous-registry"), tokens)) {
            String name = secured.host() + "/public/busybox:v1";
            bed.load(busybox, name);
            assertEquals(0, bed.jnerd(null, Map.of(), "push", name).exitCode);
            String ns = bed.newNamespace();
            Cli.Result pull = bed.jnerd(ns, Map.of(), "pull", name);
            assertEquals(0, pull.exitCode, pull.toString());
            assertTrue(tokens.issued() >= 2, "push and pull each asked for a token: " + tokens.issued());
            bed.assertPulled(ns, name, busybox.manifest().digest());
        }
    }

    @Test
    void basicAuthWithCredentialsFromTheDockerConfig() throws Exception {
        try (RegistryFixture secured = RegistryFixture.startWithBasicAuth(tmp.resolve("basic-registry"), "bob", "hunter2")) {
            String name = secured.host() + "/basic/busybox:v1";
            bed.load(busybox, name);
            Cli.Result refused = bed.jnerd(null, Map.of(), "push", name);
            assertEquals(125, refused.exitCode, refused.toString());
            assertTrue(refused.err.contains("wants a user name and password"), refused.err);

            Path config = tmp.resolve("docker-bob");
            Files.createDirectories(config);
            String auth = Base64.getEncoder().encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8));
            Files.writeString(config.resolve("config.json"), "{\"auths\":{\"" + secured.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString());
            Cli.Result push = bed.jnerd(null, env, "push", name);
            assertEquals(0, push.exitCode, push.toString());
            String ns = bed.newNamespace();
            Cli.Result pull = bed.jnerd(ns, env, "pull", name);
            assertEquals(0, pull.exitCode, pull.toString());
            bed.assertPulled(ns, name, busybox.manifest().digest());
        }
    }
}
