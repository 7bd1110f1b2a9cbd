package io.jnerd.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.cli.testing.Cli;
import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.image.MediaTypes;
import io.jnerd.engine.registry.ManifestBytes;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.RegistryEndpoint;
import io.jnerd.engine.sign.notation.Envelope;
import io.jnerd.engine.sign.notation.NotationArtifacts;
import io.jnerd.engine.sign.notation.NotationSigner;
import io.jnerd.engine.sign.notation.SignatureManifest;
import io.jnerd.engine.sign.notation.X509Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code push --sign=notation} and {@code pull|run --verify=notation} against Debian's
 * docker-registry 2.8, which has no referrers API: the signature goes to the referrers tag
 * and is read back from it. A good signature lets the pull through; the manifest, the
 * signature, the chain, the policy's scope, the clock and the identity each tampered with
 * are refused in one line, exit 125, with nothing left in containerd.
 */
@Tag("privileged")
class NotationPullPushTest {
    @TempDir
    static Path tmp;
    static RegistryTestBed bed;
    static Path key;
    static Path chain;
    static Path ca;

    @BeforeAll
    static void start() throws Exception {
        bed = RegistryTestBed.start(tmp);
        Cli.Result r = bed.jnerd(null, Map.of(), "key", "generate", "--x509", "--output-key-prefix",
                tmp.resolve("builder").toString(), "--subject", "CN=builder,O=jnerd,ST=WA,C=US");
        assertEquals(0, r.exitCode, r.toString());
        key = tmp.resolve("builder.key");
        chain = tmp.resolve("builder.crt");
        ca = tmp.resolve("builder.ca.crt");
    }

    @AfterAll
    static void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void signedPushWritesTheReferrersTagAndAVerifiedPullReadsIt() throws Exception {
        String name = pushSigned("notation/app:v1");
        String digest = digestAt(name);
        ManifestBytes index = client("notation/app").manifest("sha256-" + digest.substring("sha256:".length()));
        assertEquals(MediaTypes.OCI_INDEX, index.mediaType());
        List<Descriptor> listed = SignatureManifest.signatures(index.bytes());
        assertEquals(1, listed.size());
        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, config(trustingOurCa("*", "x509.subject: C=US, ST=WA, O=jnerd")), "pull", "--verify=notation", name);
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("Verified notation signature of " + digest + " by \"CN=builder,O=jnerd,ST=WA,C=US\""), r.out);
        bed.assertPulled(ns, name, digest);
    }

    @Test
    void runVerifiesTooAndRunsOnlyASignedImage() throws Exception {
        String signed = pushSigned("notation/run:v1");
        String unsigned = bed.push(RegistryTestBed.busybox("notation-run-unsigned"), "notation/run:unsigned");
        Map<String, String> env = config(trustingOurCa("*", "*"));
        Cli.Result ok = bed.jnerd(bed.newNamespace(), env, "run", "--rm", "--verify=notation", signed, "echo", "verified");
        assertEquals(0, ok.exitCode, ok.toString());
        assertEquals("verified\n", ok.out);
        String other = bed.newNamespace();
        Cli.Result refused = bed.jnerd(other, env, "run", "--rm", "--verify=notation", unsigned, "echo", "never");
        assertEquals(125, refused.exitCode, refused.toString());
        assertTrue(refused.err.contains("no notation signature for"), refused.err);
        bed.assertNothingIn(other);
    }

    @Test
    void unsignedImageIsRefused() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("notation-unsigned"), "notation/unsigned:v1");
        assertRefused(name, trustingOurCa("*", "*"), "no notation signature for " + bed.registry.host() + "/notation/unsigned@");
    }

    @Test
    void aSignatureOfAnotherManifestIsRefused() throws Exception {
        String original = pushSigned("notation/moved:original");
        String victim = bed.push(RegistryTestBed.busybox("notation-victim"), "notation/moved:victim");
        // The original's envelope, recorded as a referrer of the victim: its payload still names the original.
        NotationArtifacts artifacts = new NotationArtifacts(client("notation/moved"));
        byte[] envelope = artifacts.fetch(descriptorAt(original)).get(0).envelope();
        artifacts.push(descriptorAt(victim), Envelope.JWS, envelope, List.of());
        assertRefused(victim, trustingOurCa("*", "*"), "signature is for another artifact: its payload names " + digestAt(original));
    }

    @Test
    void aTamperedSignatureIsRefused() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("notation-tampered"), "notation/tampered:v1");
        NotationSigner signer = NotationSigner.load(key, chain, () -> new char[0], Clock.systemUTC());
        byte[] envelope = signer.sign(descriptorAt(name));
        int last = new String(envelope, java.nio.charset.StandardCharsets.US_ASCII).lastIndexOf("\"signature\":\"") + 13;
        envelope[last] = (byte) (envelope[last] == 'A' ? 'B' : 'A');
        new NotationArtifacts(client("notation/tampered")).push(descriptorAt(name), Envelope.JWS, envelope, signer.chain());
        assertRefused(name, trustingOurCa("*", "*"), "the envelope or its payload was altered");
    }

    @Test
    void anotherCaIsRefused() throws Exception {
        String name = pushSigned("notation/otherca:v1");
        Path other = tmp.resolve("other");
        assertEquals(0, bed.jnerd(null, Map.of(), "key", "generate", "--x509", "--output-key-prefix", other.toString()).exitCode);
        Path config = policy(tmp.resolve("other-ca-config"), Path.of(other + ".ca.crt"), "*", "*");
        assertRefused(name, config, "does not lead to a trusted certificate in ca:jnerd");
    }

    @Test
    void aScopeThatDoesNotCoverTheRepositoryIsRefused() throws Exception {
        String name = pushSigned("notation/scope:v1");
        assertRefused(name, trustingOurCa(bed.registry.host() + "/notation/elsewhere", "*"),
                "has registry scope " + bed.registry.host() + "/notation/scope");
    }

    @Test
    void aSignerThatExpiredIsRefused() throws Exception {
        String name = bed.push(RegistryTestBed.busybox("notation-expired"), "notation/expired:v1");
        Instant then = Instant.now().minus(Duration.ofDays(10));
        Path prefix = tmp.resolve("expired");
        X509Keys.write(X509Keys.generate("CN=builder,O=jnerd,ST=WA,C=US", then, then.plus(Duration.ofDays(1))), prefix.toString());
        // Signed while the leaf was valid; it has expired since, and there is no timestamp.
        NotationSigner signer = NotationSigner.load(Path.of(prefix + ".key"), Path.of(prefix + ".crt"), () -> new char[0],
                Clock.fixed(then.plus(Duration.ofHours(1)), ZoneOffset.UTC));
        new NotationArtifacts(client("notation/expired")).push(descriptorAt(name), Envelope.JWS, signer.sign(descriptorAt(name)),
                signer.chain());
        Path config = policy(tmp.resolve("expired-config"), Path.of(prefix + ".ca.crt"), "*", "*");
        assertRefused(name, config, "expired at ");
    }

    @Test
    void anIdentityThePolicyDoesNotTrustIsRefused() throws Exception {
        String name = pushSigned("notation/identity:v1");
        assertRefused(name, trustingOurCa("*", "x509.subject: C=US, ST=WA, O=someone-else"),
                "signing certificate \"CN=builder,O=jnerd,ST=WA,C=US\" is not a trusted identity");
    }

    @Test
    void aTrustPolicyWithAMistakeOrACosignKeyStopsThePullBeforeItStarts() throws Exception {
        String name = pushSigned("notation/badpolicy:v1");
        Path config = trustingOurCa("*", "*");
        Path file = config.resolve("notation/trustpolicy.json");
        Files.writeString(file, Files.readString(file).replace("\"strict\"", "\"lenient\""));
        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, config(config), "pull", "--verify=notation", name);
        assertEquals(125, r.exitCode, r.toString());
        assertEquals("jnerd: trust policy \"jnerd\": signatureVerification level \"lenient\" (strict, permissive, audit or skip)\n", r.err);
        Cli.Result cosignKey = bed.jnerd(ns, config(trustingOurCa("*", "*")), "pull", "--verify=notation", "--cosign-key", ca.toString(), name);
        assertEquals(125, cosignKey.exitCode, cosignKey.toString());
        assertEquals("jnerd: --cosign-key needs --verify=cosign\n", cosignKey.err);
        bed.assertNothingIn(ns);
    }

    @Test
    void pushWithAChainThatIsNotTheKeysPushesNothing() throws Exception {
        Path other = tmp.resolve("mismatch");
        assertEquals(0, bed.jnerd(null, Map.of(), "key", "generate", "--x509", "--output-key-prefix", other.toString()).exitCode);
        String name = bed.registry.host() + "/notation/mismatch:v1";
        bed.load(RegistryTestBed.busybox("notation-mismatch"), name);
        Cli.Result r = bed.jnerd(null, Map.of(), "push", "--sign=notation", "--notation-key", key.toString(),
                "--notation-cert", other + ".crt", name);
        assertEquals(125, r.exitCode, r.toString());
        assertTrue(r.err.startsWith("jnerd: the signing key does not belong to certificate"), r.err);
        assertTrue(client("notation/mismatch").manifestIfPresent("v1").isEmpty(), "nothing was pushed");
    }

    private String pushSigned(String repositoryAndTag) throws Exception {
        return bed.push(RegistryTestBed.busybox("notation-" + repositoryAndTag), repositoryAndTag, Map.of(),
                "--sign=notation", "--notation-key", key.toString(), "--notation-cert", chain.toString());
    }

    private void assertRefused(String name, Path configDir, String message) throws Exception {
        String ns = bed.newNamespace();
        Cli.Result r = bed.jnerd(ns, config(configDir), "pull", "--verify=notation", name);
        assertEquals(125, r.exitCode, r.toString());
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.contains(message), "expected '" + message + "' in: " + r.err);
        bed.assertNothingIn(ns);
    }

    /** A notation configuration that trusts the test's CA for {@code scope}. */
    private static Path trustingOurCa(String scope, String identity) throws Exception {
        return policy(tmp.resolve("config-" + System.nanoTime()), ca, scope, identity);
    }

    private static Path policy(Path dir, Path caFile, String scope, String identity) throws Exception {
        Path store = Files.createDirectories(dir.resolve("notation/truststore/x509/ca/jnerd"));
        Files.copy(caFile, store.resolve("ca.crt"));
        Files.writeString(dir.resolve("notation/trustpolicy.json"), "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"jnerd\","
                + "\"registryScopes\":[\"" + scope + "\"],\"signatureVerification\":{\"level\":\"strict\"},"
                + "\"trustStores\":[\"ca:jnerd\"],\"trustedIdentities\":[\"" + identity + "\"]}]}");
        return dir;
    }

    private static Map<String, String> config(Path xdgConfigHome) {
        return Map.of("XDG_CONFIG_HOME", xdgConfigHome.toString());
    }

    private static RegistryClient client(String repository) {
        return RegistryClient.open(RegistryEndpoint.of(bed.registry.host(), List.of()), repository, Optional.empty());
    }

    private static Descriptor descriptorAt(String name) throws Exception {
        String tag = name.substring(name.lastIndexOf(':') + 1);
        String repository = name.substring(bed.registry.host().length() + 1, name.lastIndexOf(':'));
        return client(repository).manifest(tag).descriptor();
    }

    private static String digestAt(String name) throws Exception {
        return descriptorAt(name).digest();
    }
}
