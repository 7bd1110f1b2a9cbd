package io.jnerd.mounts;

import java.util.List;
import java.util.Objects;

/**
 * One OCI runtime spec hook ({@code {"path": …, "args": […], "timeout": …}}); {@code args}
 * starts with argv[0], as the spec wants.
 */
public record OciHook(String path, List<String> args, int timeoutSeconds) {

    public OciHook {
        Objects.requireNonNull(path, "path");
        args = List.copyOf(args);
    }
}
