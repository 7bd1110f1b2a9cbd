package io.jnerd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.container.ContainerLabels;
import io.jnerd.engine.container.ContainerSupervisor;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /events}: the container events of what this daemon ran, as moby's events.Message
 * lines, to every client listening from now on (no history: {@code since} is not kept) until
 * {@code until}, with the container, type, event and image filters. A listener that cannot keep up loses events rather
 * than holding the daemon back.
 */
final class EventStream implements ContainerSupervisor.Events {
    /** Events a slow listener may fall behind by before newer ones are dropped for it. */
    private static final int BACKLOG = 1024;

    private final List<BlockingQueue<ObjectNode>> listeners = new CopyOnWriteArrayList<>();

    void register(Router router) {
        router.add("GET", "/events", this::events);
    }

    @Override
    public void event(String action, Container c, Map<String, String> attributes) {
        long nanos = Instant.now().toEpochMilli() * 1_000_000L;
        ImageRef ref = ImageRoutes.parse(c.getImage());
        String image = ref == null ? c.getImage() : ref.familiar();
        ObjectNode o = Responses.mapper().createObjectNode();
        o.put("status", action).put("id", c.getId()).put("from", image).put("Type", "container").put("Action", action);
        ObjectNode actor = o.putObject("Actor").put("ID", c.getId());
        ObjectNode attrs = actor.putObject("Attributes");
        c.getLabelsMap().forEach((k, v) -> {
            if (!k.startsWith("io.jnerd/")) {
                attrs.put(k, v);
            }
        });
        attrs.put("image", image).put("name", c.getLabelsMap().getOrDefault(ContainerLabels.NAME, ""));
        attributes.forEach(attrs::put);
        o.put("scope", "local").put("time", nanos / 1_000_000_000L).put("timeNano", nanos);
        listeners.forEach(q -> q.offer(o));
    }

    private HttpResponse events(HttpRequest request, Map<String, String> params) {
        JsonNode filters;
        try {
            String f = request.query("filters");
            filters = f == null || f.isEmpty() ? Responses.mapper().createObjectNode() : Responses.mapper().readTree(f);
        } catch (IOException e) {
            return Responses.error(400, "invalid filters: " + e.getMessage());
        }
        long until;
        try {
            String u = request.query("until");
            // Seconds since the epoch, maybe with a fraction (what the CLI sends for --until).
            until = u == null || u.isEmpty() ? Long.MAX_VALUE : (long) (Double.parseDouble(u) * 1000);
        } catch (NumberFormatException e) {
            return Responses.error(400, "invalid until: " + request.query("until"));
        }
        BlockingQueue<ObjectNode> queue = new ArrayBlockingQueue<>(BACKLOG);
        listeners.add(queue);
        return HttpResponse.stream(200, "application/json", out -> {
            try {
                while (System.currentTimeMillis() < until) {
                    ObjectNode e = queue.poll(1, TimeUnit.SECONDS);
                    if (e != null && matches(filters, e)) {
                        out.write((Responses.mapper().writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    // Also with nothing to send: a flush throws once the client hung up.
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                listeners.remove(queue);
            }
        });
    }

    /** moby's filters: {"container": {ID-or-name: true}, "type": {...}, "event": {...}}; each given key must match. */
    static boolean matches(JsonNode filters, ObjectNode e) {
        for (Iterator<Map.Entry<String, JsonNode>> it = filters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            boolean any = false;
            for (Iterator<String> values = fieldsOrElements(f.getValue()); values.hasNext(); ) {
                String v = values.next();
                any |= switch (f.getKey()) {
                    case "container" -> e.path("id").asText().startsWith(v)
                            || e.path("Actor").path("Attributes").path("name").asText().equals(v);
                    case "type" -> e.path("Type").asText().equals(v);
                    case "event" -> e.path("Action").asText().equals(v);
                    case "image" -> e.path("from").asText().equals(v);
                    default -> true;
                };
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** Filter values: moby's map form {"v": true}, or the older list form ["v"]. */
    private static Iterator<String> fieldsOrElements(JsonNode values) {
        if (values.isObject()) {
            return values.fieldNames();
        }
        List<String> list = new java.util.ArrayList<>();
        values.forEach(v -> list.add(v.asText()));
        return list.iterator();
    }
}
