package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiVersionTest {

    @Test
    void prefixIsSplitOffOnlyWhenItIsAVersion() {
        assertEquals(new ApiVersion.Split("1.44", "/containers/json"), ApiVersion.split("/v1.44/containers/json"));
        assertEquals(new ApiVersion.Split(null, "/version"), ApiVersion.split("/version"));
        assertEquals(new ApiVersion.Split(null, "/vx/_ping"), ApiVersion.split("/vx/_ping"));
        assertEquals(new ApiVersion.Split(null, "/v1.44"), ApiVersion.split("/v1.44"));
    }

    @Test
    void rangeIsTheOneMobyAnswersWithItsWords() {
        assertNull(ApiVersion.unsupported("1.24"));
        assertNull(ApiVersion.unsupported("1.32"));
        assertNull(ApiVersion.unsupported("1.44"));
        assertEquals("client version 1.45 is too new. Maximum supported API version is 1.44",
                ApiVersion.unsupported("1.45"));
        assertEquals("client version 1.9 is too old. Minimum supported API version is 1.24, please upgrade your "
                + "client to a newer version", ApiVersion.unsupported("1.9"));
        assertTrue(ApiVersion.compare("1.100", "1.44") > 0, "numeric, not lexical");
        assertEquals(0, ApiVersion.compare("1.44.0", "1.44"));
    }
}
