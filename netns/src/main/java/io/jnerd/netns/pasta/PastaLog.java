package io.jnerd.netns.pasta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last line of pasta's own log, without its "0.0721: ERROR:   " time and level prefix. */
final class PastaLog {

    private PastaLog() {}

    static String last(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("pasta ")) {
                    return line.replaceFirst("^[0-9.]+: +[A-Z]+: +", "");
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        }
    }
}
