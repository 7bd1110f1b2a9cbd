package io.jnerd.engine.sign.notation;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.jnerd.engine.sign.SignatureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The COSE_Sign1 envelope of the Notary Project (RFC 9052): tag 18 over
 * {@code [protected bstr, unprotected map, payload bstr, signature bstr]}. Integer header
 * labels come out of Jackson's CBOR tree as their decimal text ("1" is alg, "2" crit, "3"
 * content type, "33" x5chain); with duplicate detection on, a text label "1" next to the
 * integer label 1 is refused rather than allowed to shadow it.
 */
public final class CoseEnvelope {
    private static final CBORMapper CBOR = CBORMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final int COSE_SIGN1_TAG = 18;
    private static final String ALG = "1";
    private static final String CRIT = "2";
    private static final String CONTENT_TYPE = "3";
    private static final String X5CHAIN = "33";

    private CoseEnvelope() {}

    static Envelope parse(byte[] bytes) throws SignatureException {
        // One-byte head of tag 18 (major type 6): the envelope must be COSE_Sign1_Tagged.
        if (bytes.length == 0 || (bytes[0] & 0xff) != (0xc0 | COSE_SIGN1_TAG)) {
            throw new SignatureException("COSE envelope is not a tagged COSE_Sign1 (tag 18)");
        }
        JsonNode message = cbor(bytes, "COSE envelope");
        if (!message.isArray() || message.size() != 4) {
            throw new SignatureException("COSE_Sign1 is not an array of four");
        }
        byte[] protectedBytes = binary(message.get(0), "protected header");
        JsonNode header = protectedBytes.length == 0 ? CBOR.createObjectNode() : cbor(protectedBytes, "COSE protected header");
        JsonNode unprotected = message.get(1);
        if (!header.isObject() || !unprotected.isObject()) {
            throw new SignatureException("COSE headers are not maps");
        }
        if (message.get(2).isNull()) {
            throw new SignatureException("COSE envelope has a detached payload: the Notary Project embeds it");
        }
        byte[] payload = binary(message.get(2), "payload");
        byte[] signature = binary(message.get(3), "signature");

        JsonNode alg = header.get(ALG);
        if (alg == null || !alg.isIntegralNumber()) {
            throw new SignatureException("COSE protected header has no integer alg");
        }
        SignatureAlgorithm algorithm = SignatureAlgorithm.fromCose(alg.asLong());
        JsonNode cty = header.get(CONTENT_TYPE);
        if (cty == null || !Envelope.PAYLOAD_TYPE.equals(cty.asText(null)) || !cty.isTextual()) {
            throw new SignatureException("COSE content type is " + cty + ", not " + Envelope.PAYLOAD_TYPE);
        }
        JsonNode crit = header.get(CRIT);
        if (crit == null || !crit.isArray() || crit.isEmpty()) {
            throw new SignatureException("COSE protected header has no crit list");
        }
        Set<String> critical = new HashSet<>();
        for (JsonNode c : crit) {
            if (!c.isTextual()) {
                throw new SignatureException("COSE crit lists label " + c + ", which jnerd does not understand: refused");
            }
            if (!header.has(c.asText())) {
                throw new SignatureException("COSE crit names " + c + ", which the protected header does not have");
            }
            critical.add(c.asText());
        }
        JsonNode scheme = header.get(Envelope.SIGNING_SCHEME);
        if (scheme == null || !scheme.isTextual()) {
            throw new SignatureException("COSE protected header has no " + Envelope.SIGNING_SCHEME);
        }
        Envelope.checkSchemeAndTimes(scheme.asText(), critical, header.has(Envelope.SIGNING_TIME),
                header.has(Envelope.AUTHENTIC_SIGNING_TIME), header.has(Envelope.EXPIRY));
        Instant signingTime = time(header, scheme.asText().equals(Envelope.SCHEME_X509)
                ? Envelope.SIGNING_TIME : Envelope.AUTHENTIC_SIGNING_TIME);
        Optional<Instant> expiry = header.has(Envelope.EXPIRY) ? Optional.of(time(header, Envelope.EXPIRY)) : Optional.empty();

        JsonNode x5chain = header.has(X5CHAIN) ? header.get(X5CHAIN) : unprotected.get(X5CHAIN);
        List<X509Certificate> chain = new ArrayList<>();
        if (x5chain != null && x5chain.isBinary()) {
            chain.add(Certificates.fromDer(binary(x5chain, "x5chain"), "x5chain certificate 0"));
        } else if (x5chain != null && x5chain.isArray()) {
            for (JsonNode c : x5chain) {
                chain.add(Certificates.fromDer(binary(c, "x5chain"), "x5chain certificate " + chain.size()));
            }
        }
        if (chain.isEmpty()) {
            throw new SignatureException("COSE envelope has no certificate chain (x5chain)");
        }
        JsonNode ts = unprotected.get(Envelope.TIMESTAMP);
        Optional<byte[]> timestamp = ts == null ? Optional.empty() : Optional.of(binary(ts, "timestamp signature"));
        return new Envelope(Envelope.COSE, payload, toBeSigned(protectedBytes, payload), signature, algorithm,
                scheme.asText(), signingTime, expiry, chain, timestamp);
    }

    /**
     * {@code ["Signature1", protected, h'', payload]} in CBOR (RFC 9052 §4.4): the bytes the
     * signature covers, written here with definite lengths as the RFC requires.
     */
    static byte[] toBeSigned(byte[] protectedBytes, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        head(out, 4, 4);
        byte[] context = "Signature1".getBytes(StandardCharsets.US_ASCII);
        head(out, 3, context.length);
        out.writeBytes(context);
        head(out, 2, protectedBytes.length);
        out.writeBytes(protectedBytes);
        head(out, 2, 0);
        head(out, 2, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    // A CBOR head: major type in the top three bits, the length in the shortest form (RFC 8949 §3).
    private static void head(ByteArrayOutputStream out, int major, long length) {
        int type = major << 5;
        if (length < 24) {
            out.write(type | (int) length);
        } else if (length < 0x100) {
            out.write(type | 24);
            out.write((int) length);
        } else if (length < 0x10000) {
            out.write(type | 25);
            out.write((int) (length >> 8));
            out.write((int) length);
        } else {
            out.write(type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (length >> shift));
            }
        }
    }

    // Epoch-based date/time (tag 1, RFC 8949 §3.4.2); Jackson hands over the number.
    private static Instant time(JsonNode header, String name) throws SignatureException {
        JsonNode v = header.get(name);
        if (v == null || !v.isIntegralNumber()) {
            throw new SignatureException("COSE header " + name + " is not an epoch time in seconds");
        }
        return Instant.ofEpochSecond(v.asLong());
    }

    private static JsonNode cbor(byte[] bytes, String what) throws SignatureException {
        try {
            JsonNode n = CBOR.readTree(bytes);
            if (n == null) {
                throw new SignatureException(what + " is empty");
            }
            return n;
        } catch (IOException e) {
            throw new SignatureException(what + " is not CBOR: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static byte[] binary(JsonNode n, String what) throws SignatureException {
        if (n == null || !n.isBinary()) {
            throw new SignatureException("COSE " + what + " is not a byte string");
        }
        try {
            return n.binaryValue();
        } catch (IOException e) {
            throw new SignatureException("COSE " + what + " cannot be read", e);
        }
    }
}
