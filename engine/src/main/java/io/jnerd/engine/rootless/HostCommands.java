package io.jnerd.engine.rootless;

import io.jnerd.engine.JnerdException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Short host commands of the root-side set-up (useradd, id, chown): run, collect output, fail in one line. */
public final class HostCommands {
    public record Result(int status, String output) {}

    private HostCommands() {}

    public static Result capture(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    public static String run(List<String> command) throws IOException, InterruptedException {
        Result r = capture(command);
        if (r.status() != 0) {
            throw new JnerdException(String.join(" ", command) + " failed (exit " + r.status() + "): "
                    + r.output().strip());
        }
        return r.output();
    }
}
