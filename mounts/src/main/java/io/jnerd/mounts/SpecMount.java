package io.jnerd.mounts;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the OCI runtime spec's {@code mounts} array, ready to serialize:
 * {@code {"destination": …, "type": …, "source": …, "options": […]}} (Jackson writes
 * exactly these fields).
 */
public record SpecMount(String destination, String type, String source, List<String> options) {

    public SpecMount {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = List.copyOf(options);
    }
}
