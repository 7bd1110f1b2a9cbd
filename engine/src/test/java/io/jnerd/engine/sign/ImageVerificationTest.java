package io.jnerd.engine.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.sign.ImageVerification.Scheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pull verifies: each front door gets the same answer, and each mistake is one line before the registry is asked. */
class ImageVerificationTest {
    @TempDir
    Path tmp;
    private final List<String> warnings = new ArrayList<>();

    @Test
    void noneChecksNothing() {
        assertTrue(ImageVerification.check(Scheme.NONE, null, Map.of(), warnings::add).isEmpty());
    }

    @Test
    void aCosignKeyWithAnotherSchemeIsRefused() {
        for (Scheme s : List.of(Scheme.NONE, Scheme.NOTATION)) {
            assertEquals("--cosign-key needs --verify=cosign", refusal(s, tmp.resolve("cosign.pub"), Map.of()));
        }
    }

    @Test
    void cosignNeedsAKeyThatReads() throws Exception {
        assertEquals("--verify=cosign needs --cosign-key=PUB (keyless verification is not supported)",
                refusal(Scheme.COSIGN, null, Map.of()));
        Path pub = tmp.resolve("cosign.pub");
        KeyFiles.write(KeyFiles.generateP256(), tmp.resolve("cosign.key"), pub, new char[0]);
        assertTrue(ImageVerification.check(Scheme.COSIGN, pub, Map.of(), warnings::add).isPresent());
    }

    @Test
    void notationReadsTheTrustPolicyFromTheUsersConfigurationFirst() throws Exception {
        Path home = tmp.resolve("xdg");
        assertEquals("no notation trust policy: " + home.resolve("notation/trustpolicy.json") + " does not exist",
                refusal(Scheme.NOTATION, null, Map.of("XDG_CONFIG_HOME", home.toString())));
        Files.createDirectories(home.resolve("notation"));
        Files.writeString(home.resolve("notation/trustpolicy.json"), "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"all\","
                + "\"registryScopes\":[\"localhost:5000/app\"],\"signatureVerification\":{\"level\":\"skip\"}}]}");
        assertTrue(ImageVerification.check(Scheme.NOTATION, null, Map.of("XDG_CONFIG_HOME", home.toString()), warnings::add)
                .isPresent());
        assertEquals(List.of(), warnings);
    }

    private String refusal(Scheme scheme, Path key, Map<String, String> env) {
        return assertThrows(JnerdException.class, () -> ImageVerification.check(scheme, key, env, warnings::add)).getMessage();
    }
}
