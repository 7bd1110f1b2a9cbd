package io.jnerd.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {
    @ParameterizedTest
    @CsvSource({
        "alpine, docker.io/library/alpine:latest, alpine:latest",
        "alpine:3.19, docker.io/library/alpine:3.19, alpine:3.19",
        "user/app, docker.io/user/app:latest, user/app:latest",
        "index.docker.io/library/redis:7, docker.io/library/redis:7, redis:7",
        "127.0.0.1:5000/x/y:v1, 127.0.0.1:5000/x/y:v1, 127.0.0.1:5000/x/y:v1",
        "localhost/app, localhost/app:latest, localhost/app:latest",
        "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, "
                + "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, "
                + "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void normalizes(String in, String full, String familiar) {
        ImageRef ref = ImageRef.parse(in);
        assertEquals(full, ref.toString());
        assertEquals(familiar, ref.familiar());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "UPPER/case", "a:b:c", "x@sha256:short", "a//b", "-lead"})
    void rejects(String in) {
        assertThrows(IllegalArgumentException.class, () -> ImageRef.parse(in));
    }

    @ParameterizedTest
    @CsvSource({"linux/amd64, linux/amd64", "amd64, linux/amd64", "linux/arm64/v8, linux/arm64/v8", "x86_64, linux/amd64"})
    void platforms(String in, String out) {
        assertEquals(out, Platform.parse(in).toString());
    }
}
