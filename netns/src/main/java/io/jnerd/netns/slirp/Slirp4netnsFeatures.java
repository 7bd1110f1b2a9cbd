package io.jnerd.netns.slirp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What a slirp4netns binary supports, from its {@code --help} (sandbox and seccomp came in
 * 0.4.0; Debian 12 has 1.2.0). Probed once per binary.
 */
record Slirp4netnsFeatures(boolean sandbox, boolean seccomp) {

    private static final Map<Path, Slirp4netnsFeatures> CACHE = new ConcurrentHashMap<>();

    static Slirp4netnsFeatures of(Path program) throws IOException {
        Slirp4netnsFeatures cached = CACHE.get(program);
        if (cached != null) {
            return cached;
        }
        Process p = new ProcessBuilder(program.toString(), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + program, e);
        }
        Slirp4netnsFeatures features = new Slirp4netnsFeatures(help.contains("--enable-sandbox"),
                help.contains("--enable-seccomp"));
        CACHE.put(program, features);
        return features;
    }
}
