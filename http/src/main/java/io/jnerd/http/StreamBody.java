package io.jnerd.http;

import java.io.IOException;

/**
 * A response body written while it is produced (chunked transfer coding): a pull's progress,
 * {@code logs -f}, events. Runs on the request's worker thread; {@code out} blocks while the
 * client does not read and throws when the client is gone; {@link StreamOutput#onHangUp} tells
 * a producer that writes seldom that its client left.
 */
@FunctionalInterface
public interface StreamBody {
    void writeTo(StreamOutput out) throws IOException;
}
