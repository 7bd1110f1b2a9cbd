package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** The registry's error body ({@code {"errors":[{"code":…,"message":…}]}}) as a short suffix for one line. */
final class RegistryErrors {
    private RegistryErrors() {}

    static String describe(HttpResponse<InputStream> r) {
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(8192);
        } catch (IOException e) {
            return "";
        }
        if (body.length == 0) {
            return "";
        }
        try {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : Json.parse(body, "error").path("errors")) {
                parts.add(e.path("code").asText() + ": " + e.path("message").asText());
            }
            return parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
        } catch (IllegalArgumentException notJson) {
            return "";
        }
    }

    /** The reason phrase Go's {@code http.StatusText} gives, for messages docker words with it. */
    static String reasonPhrase(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            default: return "";
        }
    }
}
