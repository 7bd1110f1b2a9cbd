package io.jnerd.engine.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys and signatures made by the openssl command line work with jnerd, for every key type cosign knows. */
class OpensslInteropTest {

    private static final String DIGEST = "sha256:" + "12".repeat(32);

    @BeforeAll
    static void needsOpenssl() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed (apt-get install openssl)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec-sec1", "ec-pkcs8", "rsa", "ed25519"})
    void opensslKeysParseAndItsSignaturesVerify(String kind, @TempDir Path dir) throws Exception {
        Path key = dir.resolve("k.pem");
        Path pub = dir.resolve("k.pub");
        switch (kind) {
            case "ec-sec1" -> openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
            case "ec-pkcs8" -> openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
            case "rsa" -> openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
            default -> openssl(dir, "genpkey", "-algorithm", "ED25519", "-out", key.toString());
        }
        openssl(dir, "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        byte[] payload = new SimpleSigningPayload("127.0.0.1:5000/x", DIGEST).toBytes();
        Path payloadFile = Files.write(dir.resolve("payload.json"), payload);
        Path sig = dir.resolve("sig");
        if (kind.equals("ed25519")) {
            openssl(dir, "pkeyutl", "-sign", "-rawin", "-inkey", key.toString(), "-in", payloadFile.toString(), "-out", sig.toString());
        } else {
            openssl(dir, "dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(), payloadFile.toString());
        }

        PublicKey publicKey = KeyFiles.readPublic(pub);
        String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(sig));
        SignatureArtifact artifact = new SignatureArtifact(List.of(new SignatureArtifact.Layer(payload, b64)));
        assertEquals(DIGEST, new CosignVerifier(publicKey, "k.pub").verify("x", DIGEST, Optional.of(artifact)).manifestDigest());

        // and jnerd's signature with openssl's private key verifies with openssl
        PrivateKey privateKey = KeyFiles.readPrivate(key, () -> null);
        Files.write(sig, PayloadSignatures.sign(privateKey, payload));
        if (!kind.equals("ed25519")) {
            assertTrue(run(dir, "openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature", sig.toString(),
                    payloadFile.toString()).contains("Verified OK"));
        }
        assertFalse(PayloadSignatures.verify(publicKey, "other".getBytes(), Files.readAllBytes(sig)));
    }

    private static void openssl(Path dir, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        run(dir, cmd);
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
