package io.jnerd.engine.image;

/** Where image documents are read from: an archive being loaded, or containerd's content store. */
@FunctionalInterface
public interface BlobSource {
    byte[] read(String digest);
}
