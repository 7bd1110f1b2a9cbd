package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import java.util.Map;
import java.util.function.Consumer;

/** Starts the real work behind {@code POST /v1/bypass} for a validated spec. */
@FunctionalInterface
public interface BypassFactory {

    /**
     * @param log where the bypass logs (the spec's logFilePath, else the daemon's log)
     * @throws BypassException 400 for a spec it cannot serve (a socketPath it cannot create), 500 otherwise
     */
    Bypass start(BypassSpec spec, Consumer<String> log) throws BypassException;

    /**
     * Takes over a bypass a previous daemon served, with the listeners it kept (by name; the
     * fds used are removed from {@code kept}). A factory that persists nothing cannot.
     */
    default Bypass resume(BypassState state, Map<String, Fd> kept, Consumer<String> log) throws BypassException {
        throw new BypassException(500, "bypass " + state.spec().id() + ": this daemon takes over no bypass");
    }
}
