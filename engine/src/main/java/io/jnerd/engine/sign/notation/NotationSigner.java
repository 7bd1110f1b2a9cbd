package io.jnerd.engine.sign.notation;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.sign.KeyFiles;
import io.jnerd.engine.sign.SignatureException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Signs manifests the way {@code notation sign} does with a local key: a JWS envelope,
 * scheme notary.x509, over the manifest's descriptor, carrying the whole chain. The key and
 * chain are checked first (chain rules, validity now, the key belongs to the leaf), so a
 * signature nobody could verify is never pushed.
 */
public final class NotationSigner {
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final Clock clock;

    NotationSigner(PrivateKey key, List<X509Certificate> chain, Clock clock) throws SignatureException {
        CertificateRules.check(chain, CertificateRules.Purpose.CODE_SIGNING, true);
        CertificateRules.checkValidAt(chain, clock.instant(), "signing time");
        byte[] probe = "jnerd: does this key belong to the certificate?".getBytes(StandardCharsets.US_ASCII);
        SignatureAlgorithm alg = SignatureAlgorithm.forKey(key);
        if (SignatureAlgorithm.forKey(chain.get(0).getPublicKey()) != alg
                || !alg.verify(chain.get(0).getPublicKey(), probe, alg.sign(key, probe))) {
            throw new SignatureException("the signing key does not belong to certificate \"" + Certificates.subject(chain.get(0)) + "\"");
        }
        this.key = key;
        this.chain = List.copyOf(chain);
        this.clock = clock;
    }

    /**
     * @param certificates PEM or DER: the leaf first, then its issuers up to the root
     * @param password     asked for only if the key file is encrypted
     */
    public static NotationSigner load(Path keyFile, Path certificates, Supplier<char[]> password, Clock clock)
            throws SignatureException {
        return new NotationSigner(KeyFiles.readPrivate(keyFile, password), Certificates.read(certificates), clock);
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** A JWS envelope over {@code target}, signed now. */
    public byte[] sign(Descriptor target) throws SignatureException {
        Instant now = clock.instant();
        return JwsEnvelope.sign(TargetPayload.of(target), key, chain, now, Optional.empty());
    }
}
