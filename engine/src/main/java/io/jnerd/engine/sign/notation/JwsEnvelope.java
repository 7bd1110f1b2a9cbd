package io.jnerd.engine.sign.notation;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The JWS envelope of the Notary Project: JSON serialization, flattened (one signature),
 * {@code payload}, {@code protected}, {@code header}, {@code signature} and nothing else.
 * The signature is over {@code ASCII(protected '.' payload)} as they appear in the
 * envelope (RFC 7515 §5.2), so they are never re-encoded.
 */
public final class JwsEnvelope {
    // Duplicate names would let a header say two things; the strict parser refuses them.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Set<String> TOP_LEVEL = Set.of("payload", "protected", "header", "signature");
    private static final Base64.Decoder URL = Base64.getUrlDecoder();
    private static final Base64.Encoder URL_OUT = Base64.getUrlEncoder().withoutPadding();

    private JwsEnvelope() {}

    static Envelope parse(byte[] bytes) throws SignatureException {
        JsonNode root = json(bytes, "JWS envelope");
        if (!root.isObject()) {
            throw new SignatureException("JWS envelope is not a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                throw new SignatureException("JWS envelope has member \"" + name + "\": only the flattened JSON serialization is allowed");
            }
        }
        String protectedB64 = text(root, "protected", "JWS envelope");
        String payloadB64 = text(root, "payload", "JWS envelope");
        byte[] signature = decode(text(root, "signature", "JWS envelope"), "signature");
        JsonNode header = json(decode(protectedB64, "protected header"), "JWS protected header");

        SignatureAlgorithm alg = SignatureAlgorithm.fromJws(text(header, "alg", "JWS protected header"));
        if (!Envelope.PAYLOAD_TYPE.equals(header.path("cty").asText(null))) {
            throw new SignatureException("JWS protected header has cty \"" + header.path("cty").asText("") + "\", not "
                    + Envelope.PAYLOAD_TYPE);
        }
        JsonNode crit = header.get("crit");
        if (crit == null || !crit.isArray() || crit.isEmpty()) {
            throw new SignatureException("JWS protected header has no crit list");
        }
        Set<String> critical = new HashSet<>();
        for (JsonNode c : crit) {
            if (!c.isTextual() || !header.has(c.asText())) {
                throw new SignatureException("JWS crit names " + c + ", which the protected header does not have");
            }
            critical.add(c.asText());
        }
        String scheme = text(header, Envelope.SIGNING_SCHEME, "JWS protected header");
        Envelope.checkSchemeAndTimes(scheme, critical, header.has(Envelope.SIGNING_TIME),
                header.has(Envelope.AUTHENTIC_SIGNING_TIME), header.has(Envelope.EXPIRY));
        Instant signingTime = time(header, scheme.equals(Envelope.SCHEME_X509) ? Envelope.SIGNING_TIME : Envelope.AUTHENTIC_SIGNING_TIME);
        Optional<Instant> expiry = header.has(Envelope.EXPIRY) ? Optional.of(time(header, Envelope.EXPIRY)) : Optional.empty();

        JsonNode unprotected = root.path("header");
        JsonNode x5c = unprotected.get("x5c");
        if (x5c == null || !x5c.isArray() || x5c.isEmpty()) {
            throw new SignatureException("JWS envelope has no certificate chain (header x5c)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (JsonNode c : x5c) {
            // x5c is standard base64 (RFC 7515 §4.1.6), not base64url.
            chain.add(Certificates.fromDer(decodeStandard(c.asText(""), "x5c certificate"), "x5c certificate " + chain.size()));
        }
        Optional<byte[]> timestamp = unprotected.has(Envelope.TIMESTAMP)
                ? Optional.of(decodeStandard(unprotected.get(Envelope.TIMESTAMP).asText(""), "timestamp signature"))
                : Optional.empty();
        byte[] signingInput = (protectedB64 + "." + payloadB64).getBytes(StandardCharsets.US_ASCII);
        return new Envelope(Envelope.JWS, decode(payloadB64, "payload"), signingInput, signature, alg, scheme, signingTime,
                expiry, chain, timestamp);
    }

    /**
     * A new envelope over {@code payload}, scheme notary.x509, signed now by {@code key}
     * whose certificate is {@code chain[0]}.
     */
    public static byte[] sign(byte[] payload, PrivateKey key, List<X509Certificate> chain, Instant now,
                              Optional<Instant> expiry) throws SignatureException {
        SignatureAlgorithm alg = SignatureAlgorithm.forKey(key);
        if (SignatureAlgorithm.forKey(chain.get(0).getPublicKey()) != alg) {
            throw new SignatureException("the signing key does not belong to the certificate " + Certificates.subject(chain.get(0)));
        }
        ObjectNode header = JSON.createObjectNode();
        header.put("alg", alg.jwsName());
        ArrayNode crit = header.putArray("crit");
        crit.add(Envelope.SIGNING_SCHEME);
        expiry.ifPresent(e -> crit.add(Envelope.EXPIRY));
        header.put("cty", Envelope.PAYLOAD_TYPE);
        header.put(Envelope.SIGNING_SCHEME, Envelope.SCHEME_X509);
        header.put(Envelope.SIGNING_TIME, rfc3339(now));
        expiry.ifPresent(e -> header.put(Envelope.EXPIRY, rfc3339(e)));
        String protectedB64 = URL_OUT.encodeToString(bytes(header));
        String payloadB64 = URL_OUT.encodeToString(payload);
        byte[] signature = alg.sign(key, (protectedB64 + "." + payloadB64).getBytes(StandardCharsets.US_ASCII));

        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("payload", payloadB64);
        envelope.put("protected", protectedB64);
        ObjectNode unprotected = envelope.putObject("header");
        ArrayNode x5c = unprotected.putArray("x5c");
        for (X509Certificate c : chain) {
            try {
                x5c.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new SignatureException("cannot encode certificate " + Certificates.subject(c), e);
            }
        }
        unprotected.put("io.cncf.notary.signingAgent", "jnerd");
        envelope.put("signature", URL_OUT.encodeToString(signature));
        return bytes(envelope);
    }

    // RFC 3339 without fractional seconds, which the specification says should not be used.
    private static String rfc3339(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC).toString();
    }

    private static Instant time(JsonNode header, String name) throws SignatureException {
        String value = header.path(name).asText("");
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new SignatureException("JWS header " + name + " is not an RFC 3339 time: \"" + value + "\"");
        }
    }

    private static JsonNode json(byte[] bytes, String what) throws SignatureException {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new SignatureException(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new SignatureException(what + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String text(JsonNode n, String name, String what) throws SignatureException {
        JsonNode v = n.get(name);
        if (v == null || !v.isTextual()) {
            throw new SignatureException(what + " has no " + name);
        }
        return v.asText();
    }

    private static byte[] decode(String b64url, String what) throws SignatureException {
        try {
            return URL.decode(b64url);
        } catch (IllegalArgumentException e) {
            throw new SignatureException("JWS " + what + " is not base64url: the envelope was altered");
        }
    }

    private static byte[] decodeStandard(String b64, String what) throws SignatureException {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new SignatureException("JWS " + what + " is not base64: the envelope was altered");
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
