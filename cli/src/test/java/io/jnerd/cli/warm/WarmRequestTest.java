package io.jnerd.cli.warm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmRequestTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatJnerdClientSends() throws IOException {
        WarmRequest r = WarmRequest.parse(bytes("jnerd-warm-1\0003\0run\0--rm\0\0PATH=/bin\0A=b=c\0A=later\0"));
        assertEquals(List.of("run", "--rm", ""), r.args(), "an empty argument stays one");
        assertEquals(Map.of("PATH", "/bin", "A", "b=c"), r.env(), "the first of a duplicated variable, as getenv(3)");
    }

    @Test
    void refusesWhatIsNotARequest() {
        assertThrows(IOException.class, () -> WarmRequest.parse(bytes("jnerd-warm-9\0000\0")), "another version");
        assertThrows(IOException.class, () -> WarmRequest.parse(bytes("jnerd-warm-1\0005\0ps\0")), "fewer args than counted");
        assertThrows(IOException.class, () -> WarmRequest.parse(bytes("jnerd-warm-1\0-1\0")), "a negative count");
        assertThrows(IOException.class, () -> WarmRequest.parse(bytes("jnerd-warm-1\0x\0")), "no count");
        assertThrows(IOException.class, () -> WarmRequest.parse(bytes("jnerd-warm-1\0001\0ps")), "no final NUL");
        assertThrows(IOException.class, () -> WarmRequest.parse(new byte[0]), "nothing");
    }
}
