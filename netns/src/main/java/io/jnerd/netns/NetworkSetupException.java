package io.jnerd.netns;

import java.io.IOException;

/**
 * A network could not be set up for a reason the user can act on; the message is one line
 * saying what is wrong and, where known, what to do.
 */
public class NetworkSetupException extends IOException {

    private static final long serialVersionUID = 1L;

    public NetworkSetupException(String message) {
        super(message);
    }

    public NetworkSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
