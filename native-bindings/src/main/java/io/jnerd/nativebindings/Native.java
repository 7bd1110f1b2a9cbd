package io.jnerd.nativebindings;

import io.jnerd.nativebindings.jnr.JnrSyscallBackend;
import io.jnerd.nativebindings.spi.SyscallBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the syscall backend once, at first use, and remembers why.
 *
 * <p>Default: FFM on JDK 22 and later (its class exists only in the jar's
 * {@code META-INF/versions/22}), jnr-ffi otherwise. {@code -Djnerd.native=ffm|jnr} forces
 * one; forcing a backend that cannot load is an error, not a silent fallback.
 */
public final class Native {

    public static final String PROPERTY = "jnerd.native";
    private static final String FFM_CLASS = "io.jnerd.nativebindings.ffm.FfmSyscallBackend";

    private static final class Chosen {
        static final Native INSTANCE = choose(System.getProperty(PROPERTY, ""));
    }

    private final SyscallBackend backend;
    private final String reason;

    private Native(SyscallBackend backend, String reason) {
        this.backend = backend;
        this.reason = reason;
    }

    /** The backend every syscall family uses. */
    public static SyscallBackend backend() {
        return Chosen.INSTANCE.backend;
    }

    /** Why that backend was chosen, for {@code jnerd info}. */
    public static String reason() {
        return Chosen.INSTANCE.reason;
    }

    /** Every backend that loads on this JVM, for tests that run once per backend. */
    public static List<SyscallBackend> available() {
        List<SyscallBackend> all = new ArrayList<>();
        try {
            all.add(loadFfm());
        } catch (ReflectiveOperationException | LinkageError e) {
            // Not on this JDK: the tests then run with jnr alone.
        }
        all.add(new JnrSyscallBackend());
        return all;
    }

    static Native choose(String forced) {
        int feature = Runtime.version().feature();
        switch (forced.trim().toLowerCase(Locale.ROOT)) {
            case "ffm":
                try {
                    return new Native(loadFfm(), "forced by -D" + PROPERTY + "=ffm");
                } catch (ReflectiveOperationException | LinkageError e) {
                    throw new IllegalStateException("-D" + PROPERTY + "=ffm: the FFM backend "
                            + "requires JDK >= 22, this is JDK " + feature + " (" + e + ")", e);
                }
            case "jnr":
                return new Native(new JnrSyscallBackend(), "forced by -D" + PROPERTY + "=jnr");
            case "":
                break;
            default:
                throw new IllegalStateException("-D" + PROPERTY + "=" + forced
                        + ": unknown backend (use ffm or jnr)");
        }
        if (feature < 22) {
            return new Native(new JnrSyscallBackend(), "JDK " + feature + " has no final FFM API (needs 22)");
        }
        try {
            return new Native(loadFfm(), "JDK " + feature + " has the FFM API");
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Native(new JnrSyscallBackend(), "FFM did not load on JDK " + feature + ": " + e);
        }
    }

    private static SyscallBackend loadFfm() throws ReflectiveOperationException {
        return (SyscallBackend) Class.forName(FFM_CLASS).getDeclaredConstructor().newInstance();
    }
}
