package io.jnerd.engine.registry;

import io.jnerd.engine.image.Descriptor;

/** A manifest or index as the registry served it: the exact bytes, their digest, their media type. */
public final class ManifestBytes {
    private final String mediaType;
    private final String digest;
    private final byte[] bytes;

    ManifestBytes(String mediaType, String digest, byte[] bytes) {
        this.mediaType = mediaType;
        this.digest = digest;
        this.bytes = bytes;
    }

    public String mediaType() {
        return mediaType;
    }

    public String digest() {
        return digest;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, bytes.length, null, null);
    }
}
