package io.jnerd.netns.bypassd;

import io.jnerd.http.HttpHandler;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The routes of bypass4netnsd's REST API (its openapi.yaml, v1) plus jnerd's stats:
 * <pre>
 *   GET    /v1/bypass             200 [BypassStatus]
 *   POST   /v1/bypass             201 BypassStatus        (400 bad spec, duplicate id, socketPath)
 *   DELETE /v1/bypass/{id}        200 (empty)             (404 unknown id)
 *   GET    /v1/bypass/{id}/stats  200 BypassStatsReport   (404 unknown id)
 * </pre>
 * Errors are {@code {"message": ...}}. bypass4netnsd answers an unknown id with 400; any
 * non-2xx is an error to its clients (nerdctl), so 404 is the more precise answer.
 */
public final class BypassApi implements HttpHandler {

    private static final String PREFIX = "/v1/bypass";

    private final BypassRegistry registry;

    public BypassApi(BypassRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String path = request.path();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        try {
            if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
                switch (request.method()) {
                    case "GET":
                        return HttpResponse.json(200, BypassJson.write(registry.list()));
                    case "POST":
                        BypassStatus status = registry.start(BypassJson.readSpec(request.body()));
                        return HttpResponse.json(201, BypassJson.write(status));
                    default:
                        return notAllowed(request, "GET, POST");
                }
            }
            if (path.startsWith(PREFIX + "/")) {
                String rest = path.substring(PREFIX.length() + 1);
                if (rest.endsWith("/stats") && rest.indexOf('/') == rest.length() - "/stats".length()) {
                    if (!request.method().equals("GET")) {
                        return notAllowed(request, "GET");
                    }
                    String id = decode(rest.substring(0, rest.length() - "/stats".length()));
                    return HttpResponse.json(200, BypassJson.write(registry.stats(id)));
                }
                if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                    if (!request.method().equals("DELETE")) {
                        return notAllowed(request, "DELETE");
                    }
                    registry.stop(decode(rest));
                    return HttpResponse.empty(200);
                }
            }
            return HttpResponse.error(404, "no route for " + request.method() + " " + path);
        } catch (BypassException e) {
            return HttpResponse.error(e.status(), e.getMessage());
        }
    }

    private static String decode(String segment) throws BypassException {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BypassException(400, "bad percent-encoding in \"" + segment + "\"");
        }
    }

    private static HttpResponse notAllowed(HttpRequest request, String allowed) {
        return HttpResponse.error(405, request.method() + " is not allowed here: use " + allowed);
    }
}
