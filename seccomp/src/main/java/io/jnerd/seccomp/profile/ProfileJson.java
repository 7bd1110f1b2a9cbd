package io.jnerd.seccomp.profile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes seccomp profiles as JSON. Unknown fields are refused (a misspelt
 * "errnoret" would otherwise be dropped without a word); errors are one line with the
 * position in the document.
 */
public final class ProfileJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProfileJson() {}

    public static SeccompProfile parse(String json) {
        try {
            return MAPPER.readValue(json, SeccompProfile.class);
        } catch (JsonProcessingException e) {
            throw invalid("seccomp profile", e);
        }
    }

    public static SeccompProfile read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /** Reads a profile; {@code source} names it in errors (a path, "default profile"). */
    public static SeccompProfile read(InputStream in, String source) throws IOException {
        try {
            return MAPPER.readValue(in, SeccompProfile.class);
        } catch (JsonProcessingException e) {
            throw invalid(source, e);
        }
    }

    /**
     * Reads one of jnerd's own profiles, which may carry {@code //} and block comments (docker,
     * like the JSON spec, refuses them, so user profiles may not).
     */
    static SeccompProfile readCommented(InputStream in, String source) throws IOException {
        try {
            return MAPPER.readerFor(SeccompProfile.class).with(JsonParser.Feature.ALLOW_COMMENTS).readValue(in);
        } catch (JsonProcessingException e) {
            throw invalid(source, e);
        }
    }

    public static String toJson(SeccompProfile profile) {
        try {
            return MAPPER.writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("writing seccomp profile", e);
        }
    }

    /** The profile as a JSON tree, to place under {@code linux.seccomp} of an OCI runtime spec. */
    public static JsonNode toTree(SeccompProfile profile) {
        return MAPPER.valueToTree(profile);
    }

    public static void write(SeccompProfile profile, Path path) throws IOException {
        Files.writeString(path, toJson(profile), StandardCharsets.UTF_8);
    }

    private static InvalidProfileException invalid(String source, JsonProcessingException e) {
        String what = e instanceof UnrecognizedPropertyException
                ? "unknown field \"" + ((UnrecognizedPropertyException) e).getPropertyName() + "\""
                : e.getOriginalMessage().replace('\n', ' ');
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
        return new InvalidProfileException(source + ": " + what + where, e);
    }
}
