/**
 * Notary Project (notation) image signatures made and checked in Java: the JWS and
 * COSE_Sign1 envelopes over a target descriptor, the X.509 chain and timestamp rules of the
 * signature specification, notation's trust store and trust policy files, and the
 * signature artifact that refers to the image in a registry (OCI 1.1 {@code subject}, found
 * through the referrers API or the referrers tag schema).
 */
package io.jnerd.engine.sign.notation;
