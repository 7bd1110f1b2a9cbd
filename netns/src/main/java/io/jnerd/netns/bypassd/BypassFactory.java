package io.jnerd.netns.bypassd;

import java.util.function.Consumer;

/** Starts the real work behind {@code POST /v1/bypass} for a validated spec. */
@FunctionalInterface
public interface BypassFactory {

    /**
     * @param log where the bypass logs (the spec's logFilePath, else the daemon's log)
     * @throws BypassException 400 for a spec it cannot serve (a socketPath it cannot create), 500 otherwise
     */
    Bypass start(BypassSpec spec, Consumer<String> log) throws BypassException;
}
