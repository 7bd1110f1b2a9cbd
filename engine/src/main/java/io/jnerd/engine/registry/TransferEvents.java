package io.jnerd.engine.registry;

/**
 * What a pull or push tells its front door while it works, one blob at a time: the CLI
 * draws progress bars from it, the Docker API writes it as a JSON stream. Calls may come
 * from several transfer threads at once.
 */
public interface TransferEvents {
    /** Tells nobody: a caller that wants no progress. */
    TransferEvents NONE = new TransferEvents() {
        @Override
        public Blob start(String digest, String verb, long total) {
            return new Blob() {
                @Override
                public void advance(long bytes) {
                }

                @Override
                public void finish(String status) {
                }
            };
        }

        @Override
        public void say(String message) {
        }
    };

    /** One blob on its way ({@code verb}: "Downloading", "Pushing"), {@code total} bytes long. */
    Blob start(String digest, String verb, long total);

    /** A finished step that is not a transfer ("Verified cosign signature of …"). */
    void say(String message);

    /** One blob's transfer. */
    interface Blob {
        void advance(long bytes);

        /** The blob is done: "Pull complete", "Already exists", "Mounted from …". */
        void finish(String status);
    }
}
