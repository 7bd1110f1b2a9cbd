package io.jnerd.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.ImageSummary;
import io.jnerd.engine.image.Platform;
import io.jnerd.engine.image.ResolvedImage;
import io.jnerd.engine.registry.Credentials;
import io.jnerd.engine.registry.ImagePuller;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.RegistryEndpoint;
import io.jnerd.engine.sign.SignatureException;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The image endpoints, over the engine's {@link ImageService} and {@link ImagePuller}. */
public final class ImageRoutes {

    private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");

    private final Containerd containerd;
    private final ImageService images;
    private final Containers containers;
    private final Map<String, String> env;
    private final String snapshotter;

    /** @param env the daemon's environment: DOCKER_CONFIG/HOME for credentials a request does not bring */
    public ImageRoutes(Containerd containerd, Map<String, String> env, String snapshotter) {
        this.containerd = containerd;
        this.images = new ImageService(containerd);
        this.containers = new Containers(containerd);
        this.env = env;
        this.snapshotter = snapshotter;
    }

    public void register(Router router) {
        router.add("GET", "/images/json", this::list)
                .add("POST", "/images/create", this::pull)
                .add("GET", "/images/{name*}/json", this::inspect)
                .add("POST", "/images/{name*}/tag", this::tag)
                .add("DELETE", "/images/{name*}", this::remove);
    }

    /**
     * docker pull: {@code fromImage} and {@code tag} (a digest when it starts with sha256:),
     * answered with the JSONMessage stream; a failure after the stream began is its last line.
     * A client that hangs up cancels the pull (moby's too: the request's context ends).
     */
    private HttpResponse pull(HttpRequest request, Map<String, String> params) {
        String from = request.query("fromImage");
        if (from == null || from.isEmpty()) {
            return Responses.error(400, "fromImage is required (docker load imports archives)");
        }
        String tag = request.query("tag");
        ImageRef ref;
        Platform platform;
        try {
            ImageRef named = ImageRef.parse(from);
            boolean explicit = from.contains("@") || from.lastIndexOf(':') > from.lastIndexOf('/');
            ref = tag == null || tag.isEmpty() || explicit ? named
                    : ImageRef.parse(named.repository() + (tag.startsWith("sha256:") ? "@" : ":") + tag);
            String p = request.query("platform");
            platform = p == null || p.isEmpty() ? Platform.host() : Platform.parse(p);
        } catch (IllegalArgumentException e) {
            return Responses.error(400, "invalid reference format: " + e.getMessage());
        }
        Optional<Credentials> credentials;
        try {
            credentials = RegistryAuthHeader.credentials(request.header("X-Registry-Auth"));
        } catch (IllegalArgumentException e) {
            return Responses.error(400, e.getMessage());
        }
        String before = images.get(ref.toString()).map(i -> i.getTarget().getDigest()).orElse(null);
        return HttpResponse.stream(200, "application/json", out -> {
            PullProgress progress = new PullProgress(out);
            progress.status("Pulling from " + ref.path(), ref.digest() != null ? ref.digest() : ref.tag());
            try {
                RegistryClient registry = credentials.isPresent()
                        ? RegistryClient.open(RegistryEndpoint.of(ref.domain(), List.of()), ref.path(), credentials)
                        : RegistryClient.forImage(ref, List.of(), env);
                ImagePuller puller = new ImagePuller(containerd, registry, progress, snapshotter);
                out.onHangUp(puller::cancel);
                ResolvedImage pulled = puller.pull(ref, platform, Optional.empty());
                String digest = pulled.target().digest();
                progress.status("Digest: " + digest);
                progress.status((digest.equals(before) ? "Status: Image is up to date for "
                        : "Status: Downloaded newer image for ") + ref.familiar());
            } catch (IOException | SignatureException | RuntimeException e) {
                progress.error(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        });
    }

    /** docker tag: 201 when done, moby's 404 for a source that is not there. */
    private HttpResponse tag(HttpRequest request, Map<String, String> params) {
        String repo = request.query("repo");
        if (repo == null || repo.isEmpty()) {
            return Responses.error(400, "repository name must have at least one component");
        }
        String tag = request.query("tag");
        Optional<String> source = find(params.get("name"));
        if (source.isEmpty()) {
            return Responses.error(404, "No such image: " + params.get("name"));
        }
        try {
            images.tag(source.get(), repo + (tag == null || tag.isEmpty() ? "" : ":" + tag));
        } catch (JnerdException e) {
            return Responses.error(400, e.getMessage());
        }
        return HttpResponse.empty(201);
    }

    /** docker rmi: the name goes; moby's 409 while a container uses it (unless force). */
    private HttpResponse remove(HttpRequest request, Map<String, String> params) {
        String ref = params.get("name");
        Optional<String> name = find(ref);
        if (name.isEmpty()) {
            return Responses.error(404, "No such image: " + ref);
        }
        String id = images.get(name.get()).map(i -> i.getTarget().getDigest()).orElse("");
        try {
            images.remove(name.get(), ContainerRoutes.isTrue(request.query("force")), containers.list());
        } catch (JnerdException e) {
            return Responses.error(409, "conflict: unable to remove repository reference \"" + ref
                    + "\" (must force) - " + e.getMessage());
        }
        ArrayNode out = Responses.mapper().createArrayNode();
        ImageRef parsed = parse(name.get());
        out.addObject().put("Untagged", parsed == null ? name.get() : parsed.familiar());
        if (images.list().stream().noneMatch(i -> i.getTarget().getDigest().equals(id))) {
            out.addObject().put("Deleted", id);
        }
        return Responses.json(200, out);
    }

    /** docker image inspect: what the CLI and docker-java read of moby's ImageInspect. */
    private HttpResponse inspect(HttpRequest request, Map<String, String> params) {
        Optional<String> name = find(params.get("name"));
        if (name.isEmpty()) {
            return Responses.error(404, "No such image: " + params.get("name"));
        }
        ImageSummary summary = images.summaries().stream().filter(s -> s.name().equals(name.get())).findFirst()
                .orElse(null);
        ResolvedImage resolved;
        try {
            resolved = images.resolve(name.get(), Platform.host());
        } catch (RuntimeException e) {
            return Responses.error(404, "No such image: " + params.get("name") + " (" + e.getMessage() + ")");
        }
        ObjectNode o = Responses.mapper().createObjectNode();
        String id = resolved.target().digest();
        o.put("Id", id);
        ArrayNode tags = o.putArray("RepoTags");
        ArrayNode digests = o.putArray("RepoDigests");
        for (ImageSummary s : images.summaries()) {
            ImageRef ref = s.id().equals(id) ? parse(s.name()) : null;
            if (ref != null && ref.tag() != null && ref.digest() == null) {
                tags.add(ref.familiar());
            }
            if (ref != null) {
                digests.add(familiarRepository(ref) + "@" + id);
            }
        }
        JsonNode config = resolved.config();
        o.put("Parent", "").put("Comment", "").put("Created", config.path("created").asText(""))
                .put("DockerVersion", "").put("Author", config.path("author").asText(""));
        o.set("Config", config.path("config").isObject() ? config.get("config") : Responses.mapper().createObjectNode());
        o.put("Architecture", config.path("architecture").asText("")).put("Os", config.path("os").asText(""))
                .put("Size", summary == null ? 0 : Math.max(0, summary.size()))
                .put("VirtualSize", summary == null ? 0 : Math.max(0, summary.size()));
        ObjectNode rootFs = o.putObject("RootFS").put("Type", "layers");
        ArrayNode layers = rootFs.putArray("Layers");
        resolved.diffIds().forEach(layers::add);
        o.putObject("GraphDriver").put("Name", snapshotter).putObject("Data");
        o.putObject("Metadata").put("LastTagTime", "0001-01-01T00:00:00Z");
        return Responses.json(200, o);
    }

    /**
     * The stored name {@code ref} means: the name itself, or (moby's lookup) the one name
     * whose ID starts with it.
     */
    private Optional<String> find(String ref) {
        ImageRef parsed = parse(ref);
        if (parsed != null && images.get(parsed.toString()).isPresent()) {
            return Optional.of(parsed.toString());
        }
        if (!IMAGE_ID.matcher(ref).matches()) {
            return Optional.empty();
        }
        String prefix = ref.startsWith("sha256:") ? ref : "sha256:" + ref;
        List<String> names = images.list().stream().filter(i -> i.getTarget().getDigest().startsWith(prefix))
                .map(i -> i.getName()).toList();
        return names.size() == 1 ? Optional.of(names.get(0)) : Optional.empty();
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
