/**
 * The registry side of images: a Docker Registry HTTP API v2 (OCI distribution) client on
 * {@link java.net.http.HttpClient} with docker's auth (bearer tokens from the
 * WWW-Authenticate challenge, basic auth, ~/.docker/config.json and credential helpers),
 * and client-side pull and push between a registry and containerd's content store, as
 * containerd's own 1.6 client does them. Cosign signatures travel here too: the signing
 * and checking itself is {@link io.jnerd.engine.sign}'s.
 */
package io.jnerd.engine.registry;
