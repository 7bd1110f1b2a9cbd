package io.jnerd.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes by method and path pattern: {@code /containers/{id}/json} ({@code {id}} is one
 * percent-decoded segment) or {@code /images/{name*}/json} ({@code {name*}} spans slashes, as
 * image references do). The query is not part of the match. The first route added wins.
 */
public final class Router implements HttpHandler {

    /** Answers a matched request; {@code params} holds the pattern's named parts. */
    @FunctionalInterface
    public interface Route {
        HttpResponse handle(HttpRequest request, Map<String, String> params) throws Exception;
    }

    private record Entry(String method, Pattern pattern, List<String> names, Route route) {}

    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)(\\*?)}");

    private final List<Entry> routes = new ArrayList<>();
    private final HttpHandler notFound;

    /** @param notFound answers what no route matches, also a known path with another method */
    public Router(HttpHandler notFound) {
        this.notFound = notFound;
    }

    public Router add(String method, String pattern, Route route) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with /: " + pattern);
        }
        StringBuilder regex = new StringBuilder();
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(pattern);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(pattern.substring(last, m.start())));
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        routes.add(new Entry(method, Pattern.compile(regex.toString()), List.copyOf(names), route));
        return this;
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws Exception {
        String path = request.pathWithoutQuery();
        for (Entry e : routes) {
            if (!e.method().equals(request.method())) {
                continue;
            }
            Matcher m = e.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < e.names().size(); i++) {
                String value = decode(m.group(i + 1));
                if (value == null) {
                    return HttpResponse.error(400, "bad percent-encoding in \"" + m.group(i + 1) + "\"");
                }
                params.put(e.names().get(i), value);
            }
            return e.route().handle(request, params);
        }
        return notFound.handle(request);
    }

    private static String decode(String segment) {
        try {
            // '+' is a plus in a path (RFC 3986), not the form encoding's space.
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
