package io.jnerd.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerArchive;
import io.jnerd.engine.container.Containers;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import io.jnerd.proto.containerd.containers.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * docker cp: {@code HEAD|GET|PUT /containers/{id}/archive?path=}, with the path's stat in
 * {@code X-Docker-Container-Path-Stat} (base64 of moby's JSON, its mode in Go's FileMode
 * bits). The engine's {@link ContainerArchive} reads and writes inside the container.
 */
public final class ArchiveRoutes {

    private static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

    private final ContainerArchive archive;
    private final Containers containers;

    public ArchiveRoutes(ContainerArchive archive, Containers containers) {
        this.archive = archive;
        this.containers = containers;
    }

    public void register(Router router) {
        router.add("HEAD", "/containers/{id}/archive", this::head)
                .add("GET", "/containers/{id}/archive", this::get)
                .add("PUT", "/containers/{id}/archive", this::put);
    }

    private HttpResponse head(HttpRequest request, Map<String, String> params) throws IOException {
        return withStat(request, params, (c, stat) -> HttpResponse.empty(200));
    }

    /** The stat header, then the tar as it is written. */
    private HttpResponse get(HttpRequest request, Map<String, String> params) throws IOException {
        return withStat(request, params, (c, stat) -> HttpResponse.stream(200, "application/x-tar",
                out -> archive.writeTar(c, request.query("path"), out)));
    }

    /** The body is a tar extracted into the directory {@code path}. */
    private HttpResponse put(HttpRequest request, Map<String, String> params) throws IOException {
        Container c;
        try {
            c = containers.find(params.get("id"));
        } catch (JnerdException e) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        try {
            archive.extract(c, request.query("path"), request.bodyStream());
        } catch (ContainerArchive.NoSuchPath e) {
            return notFound(e, params);
        } catch (JnerdException e) {
            return Responses.error(400, e.getMessage());
        }
        return HttpResponse.empty(200);
    }

    /** moby's words, with the container as the request named it. */
    private static HttpResponse notFound(ContainerArchive.NoSuchPath e, Map<String, String> params) {
        return Responses.error(404, "Could not find the file " + e.path() + " in container " + params.get("id"));
    }

    private interface WithStat {
        HttpResponse answer(Container c, ContainerArchive.PathStat stat);
    }

    private HttpResponse withStat(HttpRequest request, Map<String, String> params, WithStat then) throws IOException {
        Container c;
        try {
            c = containers.find(params.get("id"));
        } catch (JnerdException e) {
            return Responses.error(404, "No such container: " + params.get("id"));
        }
        ContainerArchive.PathStat stat;
        try {
            stat = archive.stat(c, request.query("path"));
        } catch (ContainerArchive.NoSuchPath e) {
            return notFound(e, params);
        } catch (JnerdException e) {
            return Responses.error(400, e.getMessage());
        }
        return then.answer(c, stat).withHeader(STAT_HEADER, header(stat));
    }

    /** moby's container.PathStat JSON, base64 (standard alphabet, padded), as the docker CLI decodes it. */
    static String header(ContainerArchive.PathStat stat) {
        ObjectNode o = Responses.mapper().createObjectNode();
        o.put("name", stat.name()).put("size", stat.size()).put("mode", goFileMode(stat.mode()))
                .put("mtime", stat.mtime().toString()).put("linkTarget", stat.linkTarget());
        return Base64.getEncoder().encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** st_mode in Go's io/fs.FileMode bits: the type as high bits, setuid/setgid/sticky moved, permissions kept. */
    static long goFileMode(int mode) {
        long m = mode & 0777;
        switch (mode & 0170000) {
            case 0040000 -> m |= 1L << 31;
            case 0120000 -> m |= 1L << 27;
            case 0010000 -> m |= 1L << 25;
            case 0140000 -> m |= 1L << 24;
            case 0060000 -> m |= 1L << 26;
            case 0020000 -> m |= (1L << 26) | (1L << 21);
            default -> { }
        }
        if ((mode & 04000) != 0) {
            m |= 1L << 23;
        }
        if ((mode & 02000) != 0) {
            m |= 1L << 22;
        }
        if ((mode & 01000) != 0) {
            m |= 1L << 20;
        }
        return m;
    }
}
