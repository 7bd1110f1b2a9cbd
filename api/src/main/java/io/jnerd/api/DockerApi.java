package io.jnerd.api;

import io.jnerd.http.HttpHandler;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Docker Engine API's front: every route answers with and without a {@code /vX.Y} prefix;
 * a version outside {@link ApiVersion#MIN}..{@link ApiVersion#MAX} gets moby's 400; answers
 * carry the headers moby's middlewares set ({@code Api-Version}, {@code Ostype}, {@code Server},
 * {@code Docker-Experimental}); what no route matches gets moby's 404
 * {@code {"message":"page not found"}} (also a known path with another method, as moby does).
 */
public final class DockerApi implements HttpHandler {

    private static final HttpResponse NOT_FOUND = Responses.error(404, "page not found");
    /**
     * Where a route finds the API version of its request. A pseudo-header: ':' cannot be in a
     * header name on the wire (RFC 9110 token), so no client can set it.
     */
    private static final String VERSION_HEADER = ":api-version";

    private final Router router = new Router(r -> NOT_FOUND);
    private final String server;

    /** @param serverVersion jnerd's version, for the {@code Server} header */
    public DockerApi(String serverVersion) {
        this.server = "jnerd/" + serverVersion + " (linux)";
    }

    /** The routes, registered without the version prefix. */
    public Router routes() {
        return router;
    }

    /**
     * Requests whose body is an archive the route reads as it arrives, however large: docker
     * load ({@code POST /images/load}) and docker cp's upload ({@code PUT /containers/{id}/archive}).
     *
     * @param target the request target as sent, with a version prefix or not
     */
    public static boolean streamsBody(String method, String target) {
        int q = target.indexOf('?');
        String path = ApiVersion.split(q < 0 ? target : target.substring(0, q)).path();
        return method.equals("POST") && path.equals("/images/load")
                || method.equals("PUT") && STREAMED_PUT.matcher(path).matches();
    }

    private static final Pattern STREAMED_PUT = Pattern.compile("/containers/[^/]+/archive");

    /** The API version a routed request asked for (the advertised one when it named none). */
    public static String apiVersion(HttpRequest routed) {
        return routed.headers().getOrDefault(VERSION_HEADER, ApiVersion.MAX);
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws Exception {
        String target = request.path();
        int q = target.indexOf('?');
        ApiVersion.Split split = ApiVersion.split(q < 0 ? target : target.substring(0, q));
        String unsupported = split.version() == null ? null : ApiVersion.unsupported(split.version());
        HttpResponse response;
        if (unsupported != null) {
            // moby answers clients older than 1.24 in plain text (they predate JSON errors).
            response = ApiVersion.compare(split.version(), "1.24") < 0
                    ? HttpResponse.text(400, unsupported + "\n").withHeader("X-Content-Type-Options", "nosniff")
                    : Responses.error(400, unsupported);
        } else {
            String path = split.path() + (q < 0 ? "" : target.substring(q));
            Map<String, String> headers = new HashMap<>(request.headers());
            headers.put(VERSION_HEADER, split.version() == null ? ApiVersion.MAX : split.version());
            response = router.handle(request.withTarget(path, headers));
        }
        if (response == NOT_FOUND) {
            return response;
        }
        return response.withHeader("Api-Version", ApiVersion.MAX)
                .withHeader("Docker-Experimental", "false")
                .withHeader("Ostype", "linux")
                .withHeader("Server", server);
    }
}
