package io.jnerd.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.ImageSummary;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The image endpoints, over the engine's {@link ImageService}. */
public final class ImageRoutes {

    private final ImageService images;

    public ImageRoutes(ImageService images) {
        this.images = images;
    }

    public void register(Router router) {
        router.add("GET", "/images/json", this::list);
    }

    /**
     * moby's image summaries: one per image ID, all its names as familiar {@code repo:tag}
     * (RepoTags) and {@code repo@digest} (RepoDigests), the fields the docker CLI's
     * {@code images} table and docker-java read.
     */
    private HttpResponse list(HttpRequest request, Map<String, String> params) {
        Map<String, List<ImageSummary>> byId = new LinkedHashMap<>();
        for (ImageSummary s : images.summaries()) {
            byId.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(s);
        }
        ArrayNode out = Responses.mapper().createArrayNode();
        for (Map.Entry<String, List<ImageSummary>> e : byId.entrySet()) {
            ObjectNode o = out.addObject();
            ArrayNode tags = Responses.mapper().createArrayNode();
            Set<String> digests = new LinkedHashSet<>();
            long created = Long.MAX_VALUE;
            long size = 0;
            Map<String, String> labels = new LinkedHashMap<>();
            for (ImageSummary s : e.getValue()) {
                created = Math.min(created, s.created().getEpochSecond());
                size = Math.max(size, s.size());
                labels.putAll(s.labels());
                ImageRef ref = parse(s.name());
                if (ref == null) {
                    continue;
                }
                if (ref.tag() != null && ref.digest() == null) {
                    tags.add(ref.familiar());
                }
                digests.add(familiarRepository(ref) + "@" + e.getKey());
            }
            o.put("Id", e.getKey()).put("ParentId", "");
            o.set("RepoTags", tags);
            o.set("RepoDigests", Responses.mapper().valueToTree(digests));
            o.put("Created", created).put("Size", size).put("SharedSize", -1).put("VirtualSize", size)
                    .put("Containers", -1);
            o.set("Labels", Responses.mapper().valueToTree(labels));
        }
        return Responses.json(200, out);
    }

    /** Null for a name jnerd cannot parse (stored by another client): it still lists, without tags. */
    static ImageRef parse(String name) {
        try {
            return ImageRef.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String familiarRepository(ImageRef ref) {
        String familiar = ref.familiar();
        int cut = ref.digest() != null ? familiar.indexOf('@') : ref.tag() != null ? familiar.lastIndexOf(':') : -1;
        return cut < 0 ? familiar : familiar.substring(0, cut);
    }
}
