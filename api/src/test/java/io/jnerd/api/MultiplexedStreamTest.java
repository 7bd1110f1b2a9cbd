package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultiplexedStreamTest {

    @Test
    void eachWriteIsOneFrameWithAnEightByteHeader() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        MultiplexedStream out = new MultiplexedStream(wire, MultiplexedStream.STDOUT);
        MultiplexedStream err = new MultiplexedStream(wire, MultiplexedStream.STDERR);
        out.write("hi\n".getBytes(StandardCharsets.UTF_8));
        err.write(new byte[0]);
        err.write(new byte[300], 0, 258);
        byte[] expected = new byte[8 + 3 + 8 + 258];
        expected[0] = 1;
        expected[7] = 3;
        expected[8] = 'h';
        expected[9] = 'i';
        expected[10] = '\n';
        expected[11] = 2;
        expected[17] = 1;
        expected[18] = 2;
        assertArrayEquals(expected, wire.toByteArray());
    }

    @Test
    void onlyTheFourStreamsExist() {
        assertThrows(IllegalArgumentException.class, () -> new MultiplexedStream(new ByteArrayOutputStream(), 4));
    }
}
