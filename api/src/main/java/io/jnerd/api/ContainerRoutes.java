package io.jnerd.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.ContainerSummary;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.ImageSummary;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import java.util.HashMap;
import java.util.Map;

/** The container endpoints, over the engine's {@link Containers}. */
public final class ContainerRoutes {

    private final Containers containers;
    private final ImageService images;

    public ContainerRoutes(Containers containers, ImageService images) {
        this.containers = containers;
        this.images = images;
    }

    public void register(Router router) {
        router.add("GET", "/containers/json", this::list);
    }

    /**
     * moby's container summaries, newest first, running ones only unless {@code all} (the
     * CLI sends {@code all=1}; moby's boolean form values also accept "true").
     */
    private HttpResponse list(HttpRequest request, Map<String, String> params) {
        boolean all = isTrue(request.query("all"));
        Map<String, String> imageIds = new HashMap<>();
        for (ImageSummary s : images.summaries()) {
            imageIds.put(s.name(), s.id());
        }
        ArrayNode out = Responses.mapper().createArrayNode();
        for (ContainerSummary c : containers.summaries()) {
            if (!all && !c.state().equals("running")) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("Id", c.id());
            o.putArray("Names").add("/" + (c.name().isEmpty() ? c.id().substring(0, Math.min(12, c.id().length()))
                    : c.name()));
            ImageRef ref = ImageRoutes.parse(c.image());
            o.put("Image", ref == null ? c.image() : ref.familiar())
                    .put("ImageID", imageIds.getOrDefault(c.image(), ""))
                    .put("Command", String.join(" ", c.command()))
                    .put("Created", c.created().getEpochSecond());
            o.putArray("Ports");
            o.set("Labels", Responses.mapper().valueToTree(c.labels()));
            o.put("State", c.state()).put("Status", c.status());
            o.putObject("HostConfig").put("NetworkMode", c.labels().getOrDefault(ContainerLabels.NETWORK, "default"));
            o.putObject("NetworkSettings").putObject("Networks");
            o.putArray("Mounts");
        }
        return Responses.json(200, out);
    }

    /** moby's httputils.BoolValue: anything but "", "0", "no", "false", "none" is true. */
    static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
    }
}
