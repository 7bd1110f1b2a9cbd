package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.engine.image.OciImage;
import io.jnerd.engine.registry.CosignArtifacts;
import io.jnerd.engine.registry.ManifestBytes;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.RegistryEndpoint;
import io.jnerd.engine.sign.SignatureArtifact;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * {@code push --sign=cosign} and {@code pull --verify=cosign} against Debian's
 * docker-registry: a good signature lets the pull through; every refusal is one line of
 * its own, exit 125, and leaves nothing in containerd.
 */
@Tag("privileged")
class CosignPullPushTest {
    static final Map<String, String> PASSWORD = Map.of("COSIGN_PASSWORD", "correct horse");
    @TempDir
    static Path tmp;
    static RegistryTestBed bed;
    static Path key;
    static Path pub;

    @BeforeAll
    static void start() throws Exception {
        bed = RegistryTestBed.start(tmp);
        key = tmp.resolve("cosign.key");
        pub = tmp.resolve("cosign.pub");
        Cli.Result r = bed.jnerd(null, PASSWORD, "key", "generate", "--output-key-prefix", tmp.resolve("cosign").toString());
        assertEquals(0, r.exitCode, r.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void generatedKeyIsPrivateAndEncrypted() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), Files.readString(key));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----"));
        Cli.Result again = bed.jnerd(null, PASSWORD, "key", "generate", "--output-key-prefix", tmp.resolve("cosign").toString());
        assertEquals(125, again.exitCode, "never overwrites a key: " + again);
    }

    @Test
    void signedPushThenVerifiedPull() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("signed"), "signed/busybox:v1", PASSWORD, "--sign=cosign", "--cosign-key", key.toString());
        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, Map.of(), "pull", "--verify=cosign", "--cosign-key", pub.toString(), name);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("Verified cosign signature"), r.out);
        bed.assertPulled(ns, name, digestAt(name));
    }

    @Test
    void runVerifiesTooAndRunsOnlyASignedImage() throws Exception {
        String signed = bed.push(RegistryTestBed.busybox("run-signed"), "signed/run:v1", PASSWORD, "--sign=cosign", "--cosign-key", key.toString());
        String unsigned = bed.push(RegistryTestBed.busybox("run-unsigned"), "signed/run:unsigned");
        String ns = bed.newNamespace();
        Cli.Result ok = bed.jnerd(ns, Map.of(), "run", "--rm", "--verify=cosign", "--cosign-key", pub.toString(),
                signed, "echo", "verified");
        assertEquals(0, ok.exitCode, ok.toString());
        assertEquals("verified\n", ok.out);

        String other = bed.newNamespace();
        Cli.Result refused = bed.jnerd(other, Map.of(), "run", "--rm", "--verify=cosign", "--cosign-key", pub.toString(),
                unsigned, "echo", "never");
        assertEquals(125, refused.exitCode, refused.toString());
        assertTrue(refused.err.contains("no cosign signature for"), refused.err);
        bed.assertNothingIn(other);

        Cli.Result never = bed.jnerd(other, Map.of(), "run", "--rm", "--pull=never", "--verify=cosign",
                "--cosign-key", pub.toString(), signed, "true");
        assertEquals(125, never.exitCode, never.toString());
        assertTrue(never.err.contains("not with --pull=never"), never.err);
    }

    @Test
    void wrongKeyIsRefused() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("wrong-key"), "signed/wrongkey:v1", PASSWORD, "--sign=cosign", "--cosign-key", key.toString());
        Path other = tmp.resolve("other");
        assertEquals(0, bed.jnerd(null, Map.of("COSIGN_PASSWORD", ""), "key", "generate", "--output-key-prefix", other.toString()).exitCode);
        assertRefused(name, Path.of(other + ".pub"), "does not verify with " + other + ".pub");
    }

    @Test
    void unsignedImageIsRefused() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("unsigned"), "signed/unsigned:v1");
        assertRefused(name, pub, "no cosign signature for " + name);
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("tampered"), "signed/tampered:v1", PASSWORD, "--sign=cosign", "--cosign-key", key.toString());
        String digest = digestAt(name);
        RegistryClient client = client("signed/tampered");
        CosignArtifacts artifacts = new CosignArtifacts(client);
        SignatureArtifact.Layer good = artifacts.fetch(digest).orElseThrow().layers().get(0);
        byte[] payload = new String(good.payload(), StandardCharsets.UTF_8)
                .replace("\"docker-reference\":\"", "\"docker-reference\":\"evil.example/").getBytes(StandardCharsets.UTF_8);
        artifacts.push(digest, new SignatureArtifact(List.of(new SignatureArtifact.Layer(payload, good.signatureBase64()))));
        assertRefused(name, pub, "payload or signature was altered");
    }

    @Test
    void signatureCopiedOntoAnotherImageIsRefused() throws Exception {
        String signed = bed.push(RegistryTestBed.busybox("original"), "signed/copied:original", PASSWORD, "--sign=cosign", "--cosign-key", key.toString());
        String victim = bed.push(RegistryTestBed.busybox("victim"), "signed/copied:victim");
        RegistryClient client = client("signed/copied");
        ManifestBytes sig = client.manifest(SignatureArtifact.tagFor(digestAt(signed)));
        client.putManifest(SignatureArtifact.tagFor(digestAt(victim)), sig.mediaType(), sig.bytes());
        assertRefused(victim, pub, "is for another image");
    }

    @Test
    void opensslKeysSignAndVerify() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
        Path sec1 = tmp.resolve("openssl-ec.pem");
        Path sec1Pub = tmp.resolve("openssl-ec.pub");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
        run("openssl", "ec", "-in", sec1.toString(), "-pubout", "-out", sec1Pub.toString());
        String name = bed.push(RegistryTestBed.busybox("openssl"), "signed/openssl:v1", Map.of(), "--sign=cosign", "--cosign-key", sec1.toString());
        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, Map.of(), "pull", "--verify=cosign", "--cosign-key", sec1Pub.toString(), name);
        assertEquals(0, r.exitCode, r.toString());
        bed.assertPulled(ns, name, digestAt(name));
    }

    @Test
    void secondSignatureKeepsTheFirst() throws Exception {
        OciImage image = RegistryTestBed.busybox("twice");
        String name = bed.push(image, "signed/twice:v1", PASSWORD, "--sign=cosign", "--cosign-key", key.toString());
        Path second = tmp.resolve("second");
        assertEquals(0, bed.jnerd(null, Map.of("COSIGN_PASSWORD", ""), "key", "generate", "--output-key-prefix", second.toString()).exitCode);
        Cli.Result r = bed.jnerd(null, Map.of(), "push", "--sign=cosign", "--cosign-key", second + ".key", name);
        assertEquals(0, r.exitCode, r.toString());
        assertEquals(2, new CosignArtifacts(client("signed/twice")).fetch(image.manifest().digest()).orElseThrow().layers().size());
        for (Path k : List.of(pub, Path.of(second + ".pub"))) {
            Cli.Result pull = bed.jnerd(bed.newNamespace(), Map.of(), "pull", "-q", "--verify=cosign", "--cosign-key", k.toString(), name);
            assertEquals(0, pull.exitCode, pull.toString());
        }
    }

    @Test
    void encryptedKeyWithoutPasswordIsOneLineAndPushesNothing() throws Exception {
        String name = bed.registry.host() + "/signed/nopassword:v1";
        bed.load(RegistryTestBed.busybox("nopassword"), name);
        Cli.Result r = bed.jnerd(null, Map.of(), "push", "--sign=cosign", "--cosign-key", key.toString(), name);
        assertEquals(125, r.exitCode, r.toString());
        assertEquals("jnerd: no password for the private key: set COSIGN_PASSWORD or run on a terminal\n", r.err);
        assertTrue(client("signed/nopassword").manifestIfPresent("v1").isEmpty(), "nothing was pushed");
    }

    private void assertRefused(String name, Path publicKey, String message) throws Exception {
        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, Map.of(), "pull", "--verify=cosign", "--cosign-key", publicKey.toString(), name);
        assertEquals(125, r.exitCode, r.toString());
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.contains(message), "expected '" + message + "' in: " + r.err);
        bed.assertNothingIn(ns);
    }

    private static RegistryClient client(String repository) {
        return RegistryClient.open(RegistryEndpoint.of(bed.registry.host(), List.of()), repository, Optional.empty());
    }

    private static String digestAt(String name) throws Exception {
        String tag = name.substring(name.lastIndexOf(':') + 1);
        String repository = name.substring(bed.registry.host().length() + 1, name.lastIndexOf(':'));
        return client(repository).manifest(tag).digest();
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }
}
