package io.jnerd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.Json;
import io.jnerd.proto.containerd.containers.Container;
import java.util.ArrayList;
import java.util.List;

/** Reading a container's stored OCI spec (JSON in an Any). */
final class ContainerSpecs {
    private ContainerSpecs() {}

    static JsonNode spec(Container c) {
        return Json.parse(c.getSpec().getValue().toByteArray(), "the spec of container " + c.getId());
    }

    static List<String> args(Container c) {
        List<String> args = new ArrayList<>();
        spec(c).path("process").path("args").forEach(a -> args.add(a.asText()));
        return args;
    }
}
