package io.jnerd.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.engine.registry.Credentials;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryAuthHeaderTest {

    private static String encode(String json, boolean padded) {
        Base64.Encoder e = Base64.getUrlEncoder();
        return (padded ? e : e.withoutPadding()).encodeToString(json.getBytes(UTF_8));
    }

    @Test
    void theCliSendsEmptyAuthOrALoginPaddedOrNot() {
        assertTrue(RegistryAuthHeader.credentials(null).isEmpty());
        assertTrue(RegistryAuthHeader.credentials(encode("{}", true)).isEmpty());
        Credentials c = RegistryAuthHeader.credentials(encode("{\"username\":\"u\",\"password\":\"p?>\"}", false))
                .orElseThrow();
        assertEquals("u", c.username());
        assertEquals("u", RegistryAuthHeader.credentials(encode("{\"username\":\"u\",\"password\":\"p?>\"}", true))
                .orElseThrow().username());
    }

    @Test
    void garbageIsOneClearLine() {
        assertEquals("X-Registry-Auth is not base64-encoded JSON",
                assertThrows(IllegalArgumentException.class, () -> RegistryAuthHeader.credentials("!!!")).getMessage());
        assertEquals("X-Registry-Auth is not a JSON object",
                assertThrows(IllegalArgumentException.class, () -> RegistryAuthHeader.credentials(encode("[1]", true)))
                        .getMessage());
    }
}
