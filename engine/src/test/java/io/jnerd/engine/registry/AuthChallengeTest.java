package io.jnerd.engine.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void bearerWithQuotedCommasAndEscapes() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/alpine:pull,push\", error=\"say \\\"hi\\\"\"").orElseThrow();
        assertEquals("bearer", c.scheme());
        assertEquals("https://auth.docker.io/token", c.param("realm").orElseThrow());
        assertEquals("registry.docker.io", c.param("service").orElseThrow());
        assertEquals("repository:library/alpine:pull,push", c.param("scope").orElseThrow());
        assertEquals("say \"hi\"", c.param("error").orElseThrow());
    }

    @Test
    void basicWithTokenValueAndMissingParameters() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=registry").orElseThrow();
        assertEquals("basic", c.scheme());
        assertEquals("registry", c.param("realm").orElseThrow());
        assertTrue(c.param("scope").isEmpty());
        assertTrue(AuthChallenge.parse("").isEmpty());
        assertTrue(AuthChallenge.parse(null).isEmpty());
    }
}
