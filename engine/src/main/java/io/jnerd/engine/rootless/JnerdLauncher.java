package io.jnerd.engine.rootless;

import io.jnerd.engine.JnerdException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start this same jnerd again in another process (a systemd unit, the demo's
 * unprivileged half): the running JVM's java binary and the shaded jar it was started from.
 */
public record JnerdLauncher(Path java, Path jar) {

    public static JnerdLauncher current() {
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        Path jar;
        try {
            jar = Path.of(JnerdLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new JnerdException("cannot tell which jar this jnerd runs from: " + e.getMessage());
        }
        if (!Files.isRegularFile(jar)) {
            throw new JnerdException("jnerd does not run from a jar (" + jar + "): build it with ./mvnw -pl cli -am package");
        }
        return new JnerdLauncher(java, jar);
    }

    /** The same launcher with the jar somewhere else (a copy another user can read). */
    public JnerdLauncher withJar(Path otherJar) {
        return new JnerdLauncher(java, otherJar);
    }

    /** java, its flags for native access, -jar, the jar: append jnerd's arguments. */
    public List<String> command() {
        return new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()));
    }
}
