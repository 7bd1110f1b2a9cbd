package io.jnerd.api;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.image.ImageArchive;
import io.jnerd.engine.image.ImageExport;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.image.Platform;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * docker load ({@code POST /images/load}: a docker or OCI archive in, "Loaded image: …" JSON
 * messages out) and docker save ({@code GET /images/get?names=…}, {@code GET /images/{name}/get}:
 * the archive out), over the engine's {@link ImageService#importArchive} and {@link ImageExport}.
 */
public final class ImageArchiveRoutes {

    private final Containerd containerd;
    private final String snapshotter;
    private final Path scratch;

    /** @param stateRoot jnerd's state dir: a loaded archive is spooled under it */
    public ImageArchiveRoutes(Containerd containerd, String snapshotter, Path stateRoot) {
        this.containerd = containerd;
        this.snapshotter = snapshotter;
        this.scratch = stateRoot.resolve("tmp");
    }

    public void register(Router router) {
        router.add("POST", "/images/load", this::load)
                .add("GET", "/images/get", this::saveAll)
                .add("GET", "/images/{name*}/get", this::saveOne);
    }

    private HttpResponse load(HttpRequest request, Map<String, String> params) {
        return HttpResponse.stream(200, "application/json", out -> {
            PullProgress progress = new PullProgress(out);
            try (ImageArchive archive = ImageArchive.read(request.bodyStream(), scratch)) {
                for (String name : new ImageService(containerd).importArchive(archive, Platform.host(), snapshotter)) {
                    ImageRef ref = ImageRoutes.parse(name);
                    progress.stream("Loaded image: " + (ref == null ? name : ref.familiar()) + "\n");
                }
            } catch (IOException | RuntimeException e) {
                progress.error(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        });
    }

    /** {@code names} may repeat (docker save A B). */
    private HttpResponse saveAll(HttpRequest request, Map<String, String> params) {
        List<String> names = new ArrayList<>();
        int q = request.path().indexOf('?');
        if (q >= 0) {
            for (String pair : request.path().substring(q + 1).split("&")) {
                if (pair.startsWith("names=")) {
                    names.add(URLDecoder.decode(pair.substring("names=".length()), StandardCharsets.UTF_8));
                }
            }
        }
        if (names.isEmpty()) {
            return Responses.error(400, "no images to save: name them with names=");
        }
        return save(names);
    }

    private HttpResponse saveOne(HttpRequest request, Map<String, String> params) {
        return save(List.of(params.get("name")));
    }

    /** Every name is checked before the head goes out: a missing one is moby's 404, not a broken tar. */
    private HttpResponse save(List<String> names) {
        ImageService images = new ImageService(containerd);
        for (String n : names) {
            ImageRef ref = ImageRoutes.parse(n);
            if (ref == null || images.get(ref.toString()).isEmpty()) {
                return Responses.error(404, "No such image: " + n);
            }
        }
        return HttpResponse.stream(200, "application/x-tar", out -> {
            try {
                new ImageExport(containerd).write(names, Platform.host(), out);
            } catch (JnerdException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
    }
}
