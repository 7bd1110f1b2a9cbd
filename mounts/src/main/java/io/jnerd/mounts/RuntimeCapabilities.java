package io.jnerd.mounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mount options an OCI runtime accepts, probed once per runtime binary and cached.
 *
 * <p>{@code runc features} (runc >= 1.1) and {@code crun features} (newer crun) print JSON
 * whose {@code mountOptions} lists every option; Debian 12's runc 1.1.5 lists rro,
 * rnosuid, rnodev, rnoexec, … there. Where {@code features} is missing the version
 * decides: crun has had "rro" since 1.4 (Debian 12's crun 1.8.1 has no {@code features});
 * a runc without {@code features} is older than 1.1 and has no recursive options.
 */
public final class RuntimeCapabilities {

    private static final Map<String, RuntimeCapabilities> CACHE = new ConcurrentHashMap<>();
    private static final Pattern VERSION = Pattern.compile("^(\\S+) version (\\d+)\\.(\\d+)", Pattern.MULTILINE);
    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private final String runtime;
    private final Set<String> mountOptions;
    private final String reason;

    RuntimeCapabilities(String runtime, Set<String> mountOptions, String reason) {
        this.runtime = runtime;
        this.mountOptions = Collections.unmodifiableSet(new TreeSet<>(mountOptions));
        this.reason = reason;
    }

    /** The capabilities of {@code runtime} (a name on PATH or a path), probed on first use. */
    public static RuntimeCapabilities of(String runtime) {
        return CACHE.computeIfAbsent(runtime, RuntimeCapabilities::probe);
    }

    private static RuntimeCapabilities probe(String runtime) {
        try {
            Output features = run(runtime, "features");
            if (features.exit == 0) {
                return fromFeatures(runtime, features.stdout);
            }
            return fromVersion(runtime, run(runtime, "--version").stdout);
        } catch (IOException e) {
            return new RuntimeCapabilities(runtime, Set.of(), "cannot probe " + runtime + ": " + e.getMessage());
        }
    }

    /** From {@code RUNTIME features} output. */
    static RuntimeCapabilities fromFeatures(String runtime, String json) throws IOException {
        JsonNode options = new ObjectMapper().readTree(json).path("mountOptions");
        Set<String> found = new TreeSet<>();
        options.forEach(o -> found.add(o.asText()));
        String name = Path.of(runtime).getFileName().toString();
        String reason = name + " features " + (found.contains("rro") ? "lists" : "does not list") + " rro";
        return new RuntimeCapabilities(runtime, found, reason);
    }

    /** From {@code RUNTIME --version} output, for runtimes without {@code features}. */
    static RuntimeCapabilities fromVersion(String runtime, String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        if (!m.find()) {
            return new RuntimeCapabilities(runtime, Set.of(),
                    "cannot tell whether " + runtime + " supports rro: no features command and no version");
        }
        String name = m.group(1);
        int major = Integer.parseInt(m.group(2));
        int minor = Integer.parseInt(m.group(3));
        String version = name + " " + major + "." + minor;
        if (name.equals("crun") && (major > 1 || (major == 1 && minor >= 4))) {
            return new RuntimeCapabilities(runtime, recursiveOptions(), version + " has rro (crun >= 1.4)");
        }
        if (name.equals("runc")) {
            return new RuntimeCapabilities(runtime, Set.of(), version + " has no features command: older than 1.1, no rro");
        }
        return new RuntimeCapabilities(runtime, Set.of(), version + ": rro not known to be supported");
    }

    private static Set<String> recursiveOptions() {
        Set<String> options = new TreeSet<>();
        for (RecursiveAttribute a : RecursiveAttribute.values()) {
            options.add(a.ociOption());
        }
        return options;
    }

    public String runtime() {
        return runtime;
    }

    public boolean supports(String mountOption) {
        return mountOptions.contains(mountOption);
    }

    /** Whether every attribute's recursive OCI option ("rro", …) is accepted. */
    public boolean supportsAll(Set<RecursiveAttribute> attributes) {
        return attributes.stream().allMatch(a -> supports(a.ociOption()));
    }

    /** How this was decided, for {@code --debug} and {@code jnerd info}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return runtime + ": " + reason;
    }

    private static final class Output {
        final int exit;
        final String stdout;

        Output(int exit, String stdout) {
            this.exit = exit;
            this.stdout = stdout;
        }
    }

    /** Output goes to a file, so that a runtime that hangs cannot block the read past the timeout. */
    private static Output run(String runtime, String arg) throws IOException {
        Path out = Files.createTempFile("jnerd-runtime-probe", ".out");
        try {
            Process p = new ProcessBuilder(List.of(runtime, arg)).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(runtime + " " + arg + " did not finish in " + PROBE_TIMEOUT_SECONDS + " s");
            }
            return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(runtime + " " + arg + " interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
