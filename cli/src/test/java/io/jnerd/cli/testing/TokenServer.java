package io.jnerd.cli.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jnerd.engine.image.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A docker token server for tests (JDK HttpServer on 127.0.0.1): answers
 * {@code GET /token?service=…&scope=…} with a JWT signed ES256 by a key whose self-signed
 * certificate is the registry's {@code rootcertbundle}. distribution 2.8 finds the signing
 * key through the header's {@code x5c} chain (or a libtrust {@code kid}); x5c is used here.
 * The signature is JOSE's raw r||s, not DER. With a user set, only that user's basic
 * credentials (or the refresh token {@code password}, POSTed) get a token; without, anyone gets one.
 */
public final class TokenServer implements AutoCloseable {
    public static final String SERVICE = "jnerd-test-registry";
    public static final String ISSUER = "jnerd-test-token-server";

    private final HttpServer server;
    private final KeyPair key;
    private final X509CertificateHolder certificate;
    private final String user;
    private final String password;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger refreshGrants = new AtomicInteger();

    private TokenServer(String user, String password) throws IOException, GeneralSecurityException {
        this.user = user;
        this.password = password;
        this.key = io.jnerd.engine.sign.KeyFiles.generateP256();
        this.certificate = selfSigned(key);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    /** A token server that issues tokens to anyone, without credentials (as Docker Hub does for public images). */
    public static TokenServer anonymous() throws IOException {
        return start(null, null);
    }

    /** A token server that issues tokens only to {@code user}:{@code password}. */
    public static TokenServer start(String user, String password) throws IOException {
        try {
            return new TokenServer(user, password);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public int issued() {
        return issued.get();
    }

    public int refused() {
        return refused.get();
    }

    /** Tokens given for an OAuth2 refresh token (a docker identity token) rather than a password. */
    public int refreshGrants() {
        return refreshGrants.get();
    }

    public String certificatePem() throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(certificate);
        }
        return w.toString();
    }

    private void token(HttpExchange ex) throws IOException {
        try {
            // GET with basic credentials, or an OAuth2 refresh-token grant by POST (identity tokens).
            boolean post = ex.getRequestMethod().equals("POST");
            String query = post ? new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    : ex.getRequestURI().getRawQuery();
            String expected = post ? "refresh_token=" + password
                    : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            boolean allowed = post ? List.of(query.split("&")).contains(expected)
                    : expected.equals(ex.getRequestHeaders().getFirst("Authorization"));
            if (user != null && !allowed) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(401, -1);
                return;
            }
            if (post) {
                refreshGrants.incrementAndGet();
            }
            ArrayNode access = Json.MAPPER.createArrayNode();
            for (String param : query == null ? new String[0] : query.split("&")) {
                String[] kv = param.split("=", 2);
                if (kv[0].equals("scope") && kv.length == 2) {
                    // repository:NAME:ACTION,ACTION (NAME may not contain ':' in tests)
                    String[] scope = URLDecoder.decode(kv[1], StandardCharsets.UTF_8).split(":");
                    ObjectNode a = access.addObject();
                    a.put("type", scope[0]);
                    a.put("name", scope[1]);
                    ArrayNode actions = a.putArray("actions");
                    for (String action : scope[2].split(",")) {
                        actions.add(action);
                    }
                }
            }
            String token = jwt(access);
            byte[] body = Json.bytes(post ? Json.object().put("access_token", token) : Json.object().put("token", token));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
            issued.incrementAndGet();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        } finally {
            ex.close();
        }
    }

    private String jwt(ArrayNode access) throws GeneralSecurityException, IOException {
        ObjectNode header = Json.object();
        header.put("typ", "JWT");
        header.put("alg", "ES256");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = Json.object();
        claims.put("iss", ISSUER);
        claims.put("sub", user == null ? "anonymous" : user);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", Long.toHexString(System.nanoTime()));
        claims.set("access", access);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(Json.bytes(header)) + "." + b64.encodeToString(Json.bytes(claims));
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key.getPrivate());
        s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(s.sign());
    }

    private static X509CertificateHolder selfSigned(KeyPair key) throws GeneralSecurityException, IOException {
        X500Name name = new X500Name("CN=jnerd test token server");
        Instant now = Instant.now();
        try {
            return new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)), name, key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
