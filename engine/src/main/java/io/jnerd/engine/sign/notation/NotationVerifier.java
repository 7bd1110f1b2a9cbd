package io.jnerd.engine.sign.notation;

import io.jnerd.engine.image.Descriptor;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.engine.sign.notation.TrustPolicy.Action;
import io.jnerd.engine.sign.notation.TrustPolicy.Check;
import io.jnerd.engine.sign.notation.TrustPolicy.Statement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether an image is signed as notation's trust policy asks, following the
 * verification steps of the trust store and trust policy specification: the statement for
 * the repository, then for each signature integrity (always enforced), authenticity,
 * expiry and authentic timestamp, each enforced or only logged as the statement's level
 * says. The first signature that passes wins; if none does, the refusal is the first
 * signature's reason, in one line. Revocation (OCSP, CRL) is not checked: jnerd makes no
 * network calls beyond the registry, and says so (a warning) for a chain that names such servers.
 */
public final class NotationVerifier {
    /** The signatures of one image, fetched only when the statement does not skip verification. */
    @FunctionalInterface
    public interface SignatureSource {
        List<Signature> fetch() throws IOException, SignatureException;
    }

    /** An envelope as stored: its media type and bytes. */
    public record Signature(String mediaType, byte[] envelope) {}

    /**
     * @param skipped  the statement's level is skip: nothing was checked
     * @param signer   the subject of the accepted signature's certificate ("" when skipped)
     * @param warnings failures the level only logs
     */
    public record Outcome(String policy, boolean skipped, String signer, List<String> warnings) {}

    // Where a certificate says its revocation status is published (RFC 5280 §4.2.1.13, §4.2.2.1).
    private static final String CRL_DISTRIBUTION_POINTS = "2.5.29.31";
    private static final String AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";

    private final TrustPolicy policy;
    private final TrustStore store;
    private final Clock clock;

    public NotationVerifier(TrustPolicy policy, TrustStore store, Clock clock) {
        this.policy = policy;
        this.store = store;
        this.clock = clock;
    }

    /**
     * notation's configuration directory: {@code $XDG_CONFIG_HOME/notation}, else
     * {@code $HOME/.config/notation}.
     */
    public static Path configDir(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "notation");
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config", "notation");
    }

    /** Reads {@code trustpolicy.oci.json} (notation ≥ 1.2), else {@code trustpolicy.json}, and the trust store beside it. */
    public static NotationVerifier fromConfig(Path configDir, Clock clock) throws SignatureException {
        Path oci = configDir.resolve("trustpolicy.oci.json");
        TrustPolicy policy = TrustPolicy.read(Files.exists(oci) ? oci : configDir.resolve("trustpolicy.json"));
        return new NotationVerifier(policy, new TrustStore(configDir.resolve("truststore")), clock);
    }

    /**
     * @param repository the image's repository as notation names it ({@code registry/namespace/name})
     * @param target     the manifest that would be pulled
     */
    public Outcome verify(String repository, Descriptor target, SignatureSource signatures)
            throws SignatureException, IOException {
        Statement statement = policy.select(repository);
        if (statement.skip()) {
            return new Outcome(statement.name(), true, "", List.of());
        }
        List<Signature> found = signatures.fetch();
        if (found.isEmpty()) {
            throw new SignatureException("no notation signature for " + repository + "@" + target.digest());
        }
        SignatureException first = null;
        for (Signature s : found) {
            try {
                return verify(statement, s, target);
            } catch (SignatureException e) {
                first = first == null ? e : first;
            }
        }
        throw found.size() == 1 ? first : new SignatureException(first.getMessage()
                + " (and none of the other " + (found.size() - 1) + " signatures verified either)", first);
    }

    Outcome verify(Statement statement, Signature signature, Descriptor target) throws SignatureException {
        Instant now = clock.instant();
        // Integrity: always enforced.
        Envelope envelope = Envelope.parse(signature.mediaType(), signature.envelope());
        envelope.verifySignature();
        TargetPayload.check(envelope.payload(), target);

        List<String> warnings = new ArrayList<>();
        String signer = Certificates.subject(envelope.leaf());
        apply(statement, Check.AUTHENTICITY, warnings, () -> authenticity(statement, envelope));
        apply(statement, Check.EXPIRY, warnings, () -> {
            if (envelope.expiry().isPresent() && !now.isBefore(envelope.expiry().get())) {
                throw new SignatureException("signature by \"" + signer + "\" expired at " + envelope.expiry().get()
                        + " (its signer's \"best by\" time)");
            }
        });
        apply(statement, Check.AUTHENTIC_TIMESTAMP, warnings, () -> authenticTimestamp(statement, envelope, now));
        if (statement.action(Check.REVOCATION) != Action.SKIP) {
            for (X509Certificate c : envelope.chain()) {
                if (c.getExtensionValue(CRL_DISTRIBUTION_POINTS) != null || c.getExtensionValue(AUTHORITY_INFO_ACCESS) != null) {
                    warnings.add("revocation of \"" + Certificates.subject(c) + "\" not checked: jnerd does not ask the"
                            + " OCSP or CRL servers a certificate names");
                }
            }
        }
        return new Outcome(statement.name(), false, signer, warnings);
    }

    private void authenticity(Statement statement, Envelope envelope) throws SignatureException {
        List<X509Certificate> chain = envelope.chain();
        CertificateRules.check(chain, CertificateRules.Purpose.CODE_SIGNING, true);
        CertificateRules.checkValidAt(chain, envelope.signingTime(), "signing time");
        String type = envelope.signingScheme().equals(Envelope.SCHEME_X509) ? "ca" : "signingAuthority";
        List<String> names = statement.stores(type);
        if (names.isEmpty()) {
            throw new SignatureException("trust policy \"" + statement.name() + "\" has no " + type
                    + " trust store for a " + envelope.signingScheme() + " signature");
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (String name : names) {
            anchors.addAll(store.certificates(type, name));
        }
        boolean trusted = false;
        for (X509Certificate c : chain) {
            trusted |= Timestamp.isOneOf(c, anchors);
        }
        String signer = Certificates.subject(envelope.leaf());
        if (!trusted) {
            throw new SignatureException("certificate chain of \"" + signer + "\" does not lead to a trusted certificate in "
                    + type + ":" + String.join(", " + type + ":", names));
        }
        if (!statement.anyIdentity() && statement.identities().stream().noneMatch(id -> id.matches(envelope.leaf()))) {
            throw new SignatureException("signing certificate \"" + signer + "\" is not a trusted identity of trust policy \""
                    + statement.name() + "\"");
        }
    }

    private void authenticTimestamp(Statement statement, Envelope envelope, Instant now) throws SignatureException {
        List<X509Certificate> chain = envelope.chain();
        if (envelope.signingScheme().equals(Envelope.SCHEME_SIGNING_AUTHORITY)) {
            CertificateRules.checkValidAt(chain, envelope.signingTime(), "authentic signing time");
            return;
        }
        List<String> tsaStores = statement.stores("tsa");
        boolean stamp = !tsaStores.isEmpty();
        if (stamp && statement.timestampAfterCertExpiryOnly()) {
            stamp = chain.stream().anyMatch(c -> now.isAfter(c.getNotAfter().toInstant()));
        }
        if (!stamp) {
            CertificateRules.checkValidAt(chain, now, "verification time");
            return;
        }
        if (envelope.timestampToken().isEmpty()) {
            throw new SignatureException("signature has no timestamp countersignature, which trust policy \""
                    + statement.name() + "\" requires (it names tsa stores)");
        }
        List<X509Certificate> roots = new ArrayList<>();
        for (String name : tsaStores) {
            roots.addAll(store.certificates("tsa", name));
        }
        Timestamp.Range range = Timestamp.verify(envelope.timestampToken().get(), envelope.signature(), roots);
        for (X509Certificate c : chain) {
            if (range.earliest().isBefore(c.getNotBefore().toInstant()) || range.latest().isAfter(c.getNotAfter().toInstant())) {
                throw new SignatureException("timestamp " + range.earliest() + ".." + range.latest() + " by \"" + range.tsa()
                        + "\" is outside the validity of certificate \"" + Certificates.subject(c) + "\" ("
                        + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant() + ")");
            }
        }
    }

    @FunctionalInterface
    private interface CheckBody {
        void run() throws SignatureException;
    }

    private static void apply(Statement statement, Check check, List<String> warnings, CheckBody body)
            throws SignatureException {
        Action action = statement.action(check);
        if (action == Action.SKIP) {
            return;
        }
        try {
            body.run();
        } catch (SignatureException e) {
            if (action == Action.ENFORCE) {
                throw e;
            }
            warnings.add(e.getMessage() + " (only logged: trust policy \"" + statement.name() + "\" is "
                    + statement.level() + ")");
        }
    }
}
