package io.jnerd.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker Engine API versions: a request names one in a {@code /vX.Y} path prefix or gets the
 * default. moby answers versions outside its range with 400 and these words (its
 * daemon/server/middleware/version.go), which the docker CLI prints after "Error response
 * from daemon:".
 */
public final class ApiVersion {

    /** The oldest version served: what moby still accepts. */
    public static final String MIN = "1.24";
    /** The newest version served and the one advertised; Testcontainers 2.x asks for 1.44 first. */
    public static final String MAX = "1.44";

    /** moby's route prefix {@code /v{version:[0-9.]+}}. */
    private static final Pattern PREFIX = Pattern.compile("^/v([0-9.]+)(/.*)$");

    private ApiVersion() {}

    /** A request path split into the version it names (null: none) and the rest. */
    public record Split(String version, String path) {}

    public static Split split(String path) {
        Matcher m = PREFIX.matcher(path);
        return m.matches() ? new Split(m.group(1), m.group(2)) : new Split(null, path);
    }

    /** Null when {@code version} is served, else moby's message for it. */
    public static String unsupported(String version) {
        if (compare(version, MIN) < 0) {
            return "client version " + version + " is too old. Minimum supported API version is " + MIN
                    + ", please upgrade your client to a newer version";
        }
        if (compare(version, MAX) > 0) {
            return "client version " + version + " is too new. Maximum supported API version is " + MAX;
        }
        return null;
    }

    /** Dotted numeric comparison as moby's versions.compare: missing parts are 0, junk parts are 0. */
    public static int compare(String a, String b) {
        String[] x = a.split("\\.", -1);
        String[] y = b.split("\\.", -1);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? part(x[i]) : 0;
            long q = i < y.length ? part(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long part(String s) {
        try {
            return s.isEmpty() || s.length() > 18 ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
