package io.jnerd.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ResolvedImageCacheTest {
    private static final Platform AMD64 = new Platform("linux", "amd64", "");
    private final ResolvedImageCache cache = new ResolvedImageCache();
    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void theSameNameDigestAndPlatformAreResolvedOnce() {
        Descriptor target = manifest("a");
        ResolvedImage first = cache.get("docker.io/library/a:latest", target, AMD64, counted("docker.io/library/a:latest", target));
        ResolvedImage again = cache.get("docker.io/library/a:latest", target, AMD64, counted("docker.io/library/a:latest", target));
        assertSame(first, again);
        assertEquals(1, reads.get());
    }

    @Test
    void anotherDigestNameOrPlatformIsResolvedAgain() {
        Descriptor target = manifest("a");
        cache.get("docker.io/library/a:latest", target, AMD64, counted("docker.io/library/a:latest", target));
        // The name was re-pointed at another image (a pull or a tag): its new digest is read.
        cache.get("docker.io/library/a:latest", manifest("b"), AMD64, counted("docker.io/library/a:latest", manifest("b")));
        cache.get("docker.io/library/c:latest", target, AMD64, counted("docker.io/library/c:latest", target));
        cache.get("docker.io/library/a:latest", target, new Platform("linux", "arm64", ""),
                counted("docker.io/library/a:latest", target));
        assertEquals(4, reads.get());
    }

    @Test
    void aFailedResolveIsNotKept() {
        Descriptor target = manifest("a");
        assertThrows(IllegalArgumentException.class, () -> cache.get("a", target, AMD64, () -> {
            throw new IllegalArgumentException("blob missing");
        }));
        cache.get("a", target, AMD64, counted("a", target));
        assertEquals(1, reads.get());
    }

    @Test
    void theLeastRecentlyUsedGoesBeyondItsCapacity() {
        Descriptor kept = manifest("kept");
        cache.get("kept", kept, AMD64, counted("kept", kept));
        for (int i = 0; i < 100; i++) {
            cache.get("kept", kept, AMD64, counted("kept", kept));
            cache.get("other" + i, manifest("other" + i), AMD64, counted("other" + i, manifest("other" + i)));
        }
        Descriptor first = manifest("other0");
        cache.get("other0", first, AMD64, counted("other0", first));
        assertEquals(1 + 100 + 1, reads.get(), "kept in use stays; the first of the others was dropped");
    }

    private Supplier<ResolvedImage> counted(String name, Descriptor target) {
        return () -> {
            reads.incrementAndGet();
            Descriptor config = Descriptor.of(MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
            return new ResolvedImage(name, target, target, config, Json.object(), List.of());
        };
    }

    private static Descriptor manifest(String content) {
        return Descriptor.of(MediaTypes.OCI_MANIFEST, content.getBytes(StandardCharsets.UTF_8));
    }
}
