package io.jnerd.netns.bypassd;

/** Starts the real work behind {@code POST /v1/bypass} for a validated spec. */
@FunctionalInterface
public interface BypassFactory {

    /** @throws BypassException 400 for a spec it cannot serve (a socketPath it cannot create), 500 otherwise */
    Bypass start(BypassSpec spec, BypassContext context) throws BypassException;
}
