package io.jnerd.netns.bypass;

/** Tear-down of a test's fixtures, some of which a failed set-up never made. */
final class Resources {
    private Resources() {}

    /** Closes each non-null resource in order; the first failure is thrown once all were tried. */
    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
