package io.jnerd.mounts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * One OCI runtime spec hook ({@code {"path": …, "args": […], "timeout": …}}); {@code args}
 * starts with argv[0], as the spec wants. Serializes with Jackson to the spec's field names.
 */
public record OciHook(String path, List<String> args, @JsonProperty("timeout") int timeoutSeconds) {

    public OciHook {
        Objects.requireNonNull(path, "path");
        args = List.copyOf(args);
    }
}
