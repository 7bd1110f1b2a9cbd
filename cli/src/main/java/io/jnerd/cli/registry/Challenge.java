package io.jnerd.cli.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code WWW-Authenticate} challenge: its scheme (Bearer, Basic) and parameters (realm, service, scope). */
final class Challenge {
    private static final Pattern PARAM = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"|([A-Za-z]+)=([^,\\s]+)");

    private final String scheme;
    private final Map<String, String> params;

    private Challenge(String scheme, Map<String, String> params) {
        this.scheme = scheme;
        this.params = params;
    }

    static Optional<Challenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        if (space > 0) {
            Matcher m = PARAM.matcher(h.substring(space + 1));
            while (m.find()) {
                if (m.group(1) != null) {
                    params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
                } else {
                    params.put(m.group(3).toLowerCase(Locale.ROOT), m.group(4));
                }
            }
        }
        return Optional.of(new Challenge(scheme, params));
    }

    String scheme() {
        return scheme;
    }

    String param(String name) {
        return params.get(name);
    }
}
