package io.jnerd.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.registry.TransferEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A pull's progress as moby's JSONMessage stream, one object a line: {@code status},
 * {@code id} (a blob's short digest), {@code progressDetail}; {@code errorDetail} and
 * {@code error} for a failure (docker-java and the docker CLI read both). Once a client hung
 * up, the rest of the stream is dropped (the pull route cancels the pull itself).
 */
final class PullProgress implements TransferEvents {

    /** "Downloading" lines at most every this many bytes of a blob: the CLI redraws its bar from them. */
    private static final long STEP = 512 * 1024;

    private final OutputStream out;
    private boolean gone;

    PullProgress(OutputStream out) {
        this.out = out;
    }

    void status(String status) {
        write(message(status, null));
    }

    /** A line about one thing: a tag ("Pulling from …", id "latest") or a blob. */
    void status(String status, String id) {
        write(message(status, id));
    }

    /** Text as it is shown, in a {@code stream} message (docker load's "Loaded image: …" lines). */
    void stream(String text) {
        write(Responses.mapper().createObjectNode().put("stream", text));
    }

    void error(String message) {
        ObjectNode o = Responses.mapper().createObjectNode();
        o.putObject("errorDetail").put("message", message);
        o.put("error", message);
        write(o);
    }

    @Override
    public Blob start(String digest, String verb, long total) {
        String id = shortId(digest);
        write(message("Pulling fs layer", id));
        return new Blob() {
            private long current;
            private long reported;

            @Override
            public void advance(long bytes) {
                current += bytes;
                if (current - reported >= STEP || current == total) {
                    reported = current;
                    ObjectNode o = message(verb, id);
                    o.putObject("progressDetail").put("current", current).put("total", total);
                    write(o);
                }
            }

            @Override
            public void finish(String status) {
                write(message(status, id));
            }
        };
    }

    @Override
    public void say(String message) {
        status(message);
    }

    private static ObjectNode message(String status, String id) {
        ObjectNode o = Responses.mapper().createObjectNode();
        o.put("status", status);
        if (id != null) {
            o.putObject("progressDetail");
            o.put("id", id);
        }
        return o;
    }

    /** docker's layer IDs: the first 12 hex digits of the digest. */
    private static String shortId(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.substring(0, Math.min(12, hex.length()));
    }

    private synchronized void write(ObjectNode message) {
        if (gone) {
            return;
        }
        try {
            out.write((Responses.mapper().writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a progress message", e);
        } catch (IOException clientGone) {
            gone = true;
        }
    }
}
