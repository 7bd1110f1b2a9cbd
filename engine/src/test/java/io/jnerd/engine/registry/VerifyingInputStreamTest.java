package io.jnerd.engine.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.engine.image.Descriptor;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
    private static final byte[] BLOB = "the layer bytes, all of them".getBytes();
    private static final Descriptor DESCRIPTOR = Descriptor.of("application/octet-stream", BLOB);

    private static InputStream over(byte[] served, AtomicLong progress) {
        return new VerifyingInputStream(new ByteArrayInputStream(served), DESCRIPTOR, "test", progress::addAndGet);
    }

    @Test
    void goodBlobReadsThroughAndCountsProgress() throws Exception {
        AtomicLong progress = new AtomicLong();
        assertArrayEquals(BLOB, over(BLOB, progress).readAllBytes());
        assertEquals(BLOB.length, progress.get());
    }

    @Test
    void flippedByteFailsAtTheEnd() {
        byte[] bad = BLOB.clone();
        bad[3] ^= 1;
        RegistryException e = assertThrows(RegistryException.class, () -> over(bad, new AtomicLong()).readAllBytes());
        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
    }

    @Test
    void longerOrShorterThanTheDescriptorFails() {
        byte[] longer = Arrays.copyOf(BLOB, BLOB.length + 1);
        assertTrue(assertThrows(RegistryException.class, () -> over(longer, new AtomicLong()).readAllBytes())
                .getMessage().contains("larger than"));
        byte[] shorter = Arrays.copyOf(BLOB, BLOB.length - 1);
        assertTrue(assertThrows(RegistryException.class, () -> over(shorter, new AtomicLong()).readAllBytes())
                .getMessage().contains("ended after " + (BLOB.length - 1)));
    }
}
