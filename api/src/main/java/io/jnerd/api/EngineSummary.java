package io.jnerd.api;

/**
 * What {@code /info} reports about containers and images; the engine fills it. Until the
 * daemon drives the engine, {@link #NONE} (nothing created through it).
 */
public record EngineSummary(int containers, int running, int paused, int stopped, int images, String driver,
        String rootDir, boolean rootless) {

    public static final EngineSummary NONE = new EngineSummary(0, 0, 0, 0, 0, "overlayfs", "", false);
}
