package io.jnerd.netns.bypassd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.List;

/**
 * JSON of the bypass API, strict: unknown fields, duplicate keys, trailing data and values of
 * the wrong type ("80" for a port, 1 for a boolean) are errors with one line naming the field,
 * where Jackson's defaults would coerce or ignore them.
 */
public final class BypassJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    private BypassJson() {}

    /** @throws BypassException 400 with one line naming the field and what was wrong */
    public static BypassSpec readSpec(byte[] body) throws BypassException {
        if (body.length == 0) {
            throw new BypassException(400, "request body is empty: expected a BypassSpec object");
        }
        try {
            BypassSpec spec = MAPPER.readValue(body, BypassSpec.class);
            if (spec == null) {
                throw new BypassException(400, "request body is null: expected a BypassSpec object");
            }
            return spec;
        } catch (UnrecognizedPropertyException e) {
            throw new BypassException(400, "unknown field \"" + e.getPropertyName() + "\" in " + where(e, "BypassSpec"));
        } catch (MismatchedInputException e) {
            String field = where(e, null);
            String expected = expected(e.getTargetType());
            throw new BypassException(400, field == null
                    ? "request body must be a BypassSpec object"
                    : "field " + field + ": expected " + expected);
        } catch (JsonProcessingException e) {
            throw new BypassException(400, "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BypassException(400, "request body cannot be read: " + e.getMessage());
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** "portMapping[0].parentPort" from the exception's path, or {@code whole} for the top level. */
    private static String where(JsonMappingException e, String whole) {
        List<JsonMappingException.Reference> path = e.getPath();
        int end = e instanceof UnrecognizedPropertyException ? path.size() - 1 : path.size();
        if (end <= 0) {
            return whole;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < end; i++) {
            JsonMappingException.Reference r = path.get(i);
            if (r.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(r.getFieldName());
            } else {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }
}
