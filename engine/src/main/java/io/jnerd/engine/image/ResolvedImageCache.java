package io.jnerd.engine.image;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Images resolved before, by name, target digest and platform. What a digest names never
 * changes, so a long-running front door (the Docker API daemon) reads an image's manifest
 * and config from containerd once, not on every {@code docker run} (two or three content
 * reads each). The name is part of the key because a {@link ResolvedImage} carries it. The
 * trees in it are shared: callers only read them.
 */
final class ResolvedImageCache {
    /** A daemon runs a handful of images; more only costs a re-read. */
    private static final int CAPACITY = 64;
    private final Map<String, ResolvedImage> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ResolvedImage> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The cached image, or what {@code resolve} gives (kept when it did not throw). */
    ResolvedImage get(String name, Descriptor target, Platform platform, Supplier<ResolvedImage> resolve) {
        String key = name + "\n" + target.digest() + "\n" + target.mediaType() + "\n" + platform;
        synchronized (byKey) {
            ResolvedImage cached = byKey.get(key);
            if (cached != null) {
                return cached;
            }
        }
        // Outside the lock: a slow containerd must not hold up runs of other images.
        ResolvedImage resolved = resolve.get();
        synchronized (byKey) {
            byKey.put(key, resolved);
        }
        return resolved;
    }
}
