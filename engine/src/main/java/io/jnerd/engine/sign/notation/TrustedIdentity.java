package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * One {@code x509.subject:} entry of a trust policy: a set of RDNs that the signing
 * certificate's subject must all contain (it may have more). Values are compared exactly;
 * {@code S} and {@code ST} are the same attribute. The text uses the escapes of RFC 4514
 * ({@code \,} {@code \;} {@code \\}), which is how the specification escapes them too.
 */
public final class TrustedIdentity {
    public static final String PREFIX = "x509.subject:";

    private final String text;
    private final Map<String, String> attributes;

    private TrustedIdentity(String text, Map<String, String> attributes) {
        this.text = text;
        this.attributes = Map.copyOf(attributes);
    }

    /** Parses a {@code trustedIdentities} entry other than "*". */
    public static TrustedIdentity parse(String entry, String policy) throws SignatureException {
        if (!entry.startsWith(PREFIX)) {
            throw new SignatureException("trust policy \"" + policy + "\": trusted identity \"" + entry
                    + "\" does not start with " + PREFIX);
        }
        Map<String, String> attributes;
        try {
            attributes = attributes(entry.substring(PREFIX.length()).strip());
        } catch (InvalidNameException | IllegalArgumentException e) {
            throw new SignatureException("trust policy \"" + policy + "\": trusted identity \"" + entry
                    + "\" is not a distinguished name: " + e.getMessage());
        }
        for (String required : new String[] {"C", "ST", "O"}) {
            if (!attributes.containsKey(required)) {
                throw new SignatureException("trust policy \"" + policy + "\": trusted identity \"" + entry
                        + "\" must name C, ST (or S) and O");
            }
        }
        return new TrustedIdentity(entry, attributes);
    }

    public boolean matches(X509Certificate cert) {
        Map<String, String> subject;
        try {
            subject = attributes(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
        } catch (InvalidNameException | IllegalArgumentException e) {
            return false;
        }
        return subject.entrySet().containsAll(attributes.entrySet());
    }

    /** Two identities overlap when one's attributes are a subset of the other's: one certificate could match both. */
    public boolean overlaps(TrustedIdentity other) {
        return attributes.entrySet().containsAll(other.attributes.entrySet())
                || other.attributes.entrySet().containsAll(attributes.entrySet());
    }

    @Override
    public String toString() {
        return text;
    }

    private static Map<String, String> attributes(String dn) throws InvalidNameException {
        Map<String, String> out = new HashMap<>();
        for (Rdn rdn : new LdapName(dn).getRdns()) {
            try {
                NamingEnumeration<? extends Attribute> all = rdn.toAttributes().getAll();
                while (all.hasMore()) {
                    Attribute a = all.next();
                    String type = a.getID().toUpperCase(Locale.ROOT);
                    String key = type.equals("S") ? "ST" : type;
                    if (out.put(key, String.valueOf(a.get())) != null) {
                        throw new IllegalArgumentException("attribute " + type + " appears twice");
                    }
                }
            } catch (NamingException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return out;
    }
}
