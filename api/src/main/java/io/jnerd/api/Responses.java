package io.jnerd.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Json;

/** Bodies as moby writes them: JSON with {@code Content-Type: application/json} and a closing newline. */
public final class Responses {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Responses() {}

    public static HttpResponse json(int status, Object value) {
        try {
            return HttpResponse.json(status, MAPPER.writeValueAsString(value) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** moby's error body {@code {"message": ...}}; the docker CLI shows anything but this JSON raw. */
    public static HttpResponse error(int status, String message) {
        return HttpResponse.json(status, "{\"message\":" + Json.quote(message) + "}\n");
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
