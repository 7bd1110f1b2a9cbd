package io.jnerd.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** An OCI content digest; jnerd produces and accepts sha256 only. */
public final class Digest {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private Digest() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String of(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    public static String of(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static String format(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /** Checks the form; a digest names a file in blob stores, so a bad one must not pass. */
    public static String validate(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest;
    }

    public static String hex(String digest) {
        return validate(digest).substring("sha256:".length());
    }

    /** The chain ID of a layer stack: the snapshot name of its top layer (OCI image spec, config.md). */
    public static String chainId(java.util.List<String> diffIds) {
        String chain = null;
        for (String diffId : diffIds) {
            chain = chain == null ? diffId : of((chain + " " + diffId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return chain;
    }
}
