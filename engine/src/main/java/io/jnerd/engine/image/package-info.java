/**
 * Images: references, OCI/Docker documents, tar, archives ({@code load}), the content
 * store, unpacking into snapshots, client-side pulls, and
 * {@link io.jnerd.engine.image.OciImageBuilder}, which makes small images from host binaries
 * for tests and {@code jnerd demo} (no registry needed).
 */
package io.jnerd.engine.image;
