package io.jnerd.bench.macro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one finite command and returns its stdout; a non-zero exit is one line naming it. */
final class Commands {
    private Commands() {}

    static String run(List<String> command, Duration timeout) throws IOException {
        // Output goes to files, not pipes: a client that hangs with its pipe open must still
        // hit the timeout instead of blocking a read forever.
        Path out = Files.createTempFile("jnerd-bench-", ".out");
        Path err = Files.createTempFile("jnerd-bench-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(shortName(command) + ": no result after " + timeout.toSeconds() + " s");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new Failed(shortName(command), p.exitValue(),
                        lastLine(Files.readString(err, StandardCharsets.UTF_8) + "\n" + stdout));
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + shortName(command), e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A command that exited non-zero; {@link #reason()} is the last line it printed. */
    static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        Failed(String command, int exit, String reason) {
            super(command + " exited " + exit + ": " + reason);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** The command without the long paths of the tools in front of it, for messages. */
    static String shortName(List<String> command) {
        String joined = String.join(" ", command);
        return joined.length() > 160 ? joined.substring(0, 157) + "..." : joined;
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "(no output)";
    }
}
