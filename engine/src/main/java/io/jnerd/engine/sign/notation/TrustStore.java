package io.jnerd.engine.sign.notation;

import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * notation's X.509 trust store: {@code truststore/x509/TYPE/NAME/*.{pem,crt,cer}}, TYPE one
 * of {@code ca}, {@code signingAuthority}, {@code tsa}. Files hold PEM or DER certificates;
 * sub-directories of a named store are ignored; symlinks (the store or a file) are refused,
 * as the specification requires, so a store cannot be pointed elsewhere behind its owner's back.
 */
public final class TrustStore {
    public static final Set<String> TYPES = Set.of("ca", "signingAuthority", "tsa");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Path root;

    /** @param root the {@code truststore} directory */
    public TrustStore(Path root) {
        this.root = root;
    }

    /** The certificates of {@code type:name}; a missing, empty or symlinked store is an error. */
    public List<X509Certificate> certificates(String type, String name) throws SignatureException {
        if (!TYPES.contains(type)) {
            throw new SignatureException("trust store type \"" + type + "\" (ca, signingAuthority or tsa)");
        }
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new SignatureException("trust store name \"" + name + "\" (letters, digits, '_', '.', '-')");
        }
        Path dir = root.resolve("x509").resolve(type).resolve(name);
        if (Files.isSymbolicLink(dir)) {
            throw new SignatureException("trust store " + type + ":" + name + " is a symlink (" + dir + "): refused");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new SignatureException("trust store " + type + ":" + name + " does not exist (" + dir + ")");
        }
        List<X509Certificate> certs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) || !isCertificateFile(f)) {
                    continue;
                }
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    throw new SignatureException("trust store " + type + ":" + name + ": " + f.getFileName()
                            + " is a symlink or not a regular file: refused");
                }
                certs.addAll(Certificates.read(f));
            }
        } catch (IOException e) {
            throw new SignatureException("cannot read trust store " + dir + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new SignatureException("trust store " + type + ":" + name + " holds no certificate (" + dir + ")");
        }
        return certs;
    }

    private static boolean isCertificateFile(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".pem") || n.endsWith(".crt") || n.endsWith(".cer");
    }
}
