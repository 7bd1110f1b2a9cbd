package io.jnerd.cli;

import java.util.Locale;
import java.util.Map;

/**
 * The few non-ASCII characters jnerd prints, or their ASCII stand-ins when the locale is not
 * UTF-8 (a root shell from {@code su -} has no LANG; the JVM then encodes stdout as ASCII and
 * every {@code …} or {@code ✓} comes out as {@code ?}). The locale is decided as setlocale(3)
 * does for LC_CTYPE: the first of LC_ALL, LC_CTYPE, LANG that is set and not empty; none is
 * the C locale.
 */
public final class Glyphs {
    private final boolean unicode;

    private Glyphs(boolean unicode) {
        this.unicode = unicode;
    }

    public static Glyphs of(Map<String, String> env) {
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                String codeset = value.toLowerCase(Locale.ROOT);
                return new Glyphs(codeset.contains("utf-8") || codeset.contains("utf8"));
            }
        }
        return new Glyphs(false);
    }

    public boolean unicode() {
        return unicode;
    }

    /** What marks a shortened text. */
    public String ellipsis() {
        return unicode ? "…" : "...";
    }

    /** The mark of one line of a check: what is there, what is missing. */
    public String mark(boolean ok) {
        if (unicode) {
            return ok ? "✓" : "✗";
        }
        return ok ? "[ok]" : "[missing]";
    }
}
