/**
 * Cosign-compatible image signatures made and checked in Java: key pairs and PEM files,
 * the "simple signing" payload, signing and verification, and the signature artifact as
 * cosign stores it in a registry (tag {@code sha256-<hex>.sig} in the image's repository).
 * Registry transfer lives with the registry client; this package is pure data and crypto.
 */
package io.jnerd.engine.sign;
