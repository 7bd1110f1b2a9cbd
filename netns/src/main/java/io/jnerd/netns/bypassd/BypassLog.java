package io.jnerd.netns.bypassd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Where a bypass logs: its spec's logFilePath (appended, one timestamped line each, never
 * through a symbolic link), else the daemon's log.
 */
final class BypassLog {

    private BypassLog() {}

    static Consumer<String> forSpec(BypassSpec spec, Consumer<String> daemonLog) {
        if (spec.logFilePath() == null || spec.logFilePath().isEmpty()) {
            return daemonLog;
        }
        Path file = Path.of(spec.logFilePath());
        return line -> {
            try {
                Files.writeString(file, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, ClientPaths.NO_FOLLOW);
            } catch (IOException e) {
                daemonLog.accept("bypass " + spec.id() + ": cannot log to " + file + ": " + e.getMessage() + ": " + line);
            }
        };
    }
}
