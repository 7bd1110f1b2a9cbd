package io.jnerd.cli;

import io.jnerd.engine.container.RunConsole;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Hands SIGINT, SIGTERM and SIGHUP sent to jnerd to the container instead (docker run's
 * --sig-proxy), so Ctrl-C stops the container and jnerd still exits with its status.
 * sun.misc.Signal (module jdk.unsupported) is the JDK's only signal API.
 */
final class SignalForwarder implements RunConsole.Forwarding {
    private static final String[] NAMES = {"INT", "TERM", "HUP"};
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    SignalForwarder(IntConsumer forward) {
        for (String name : NAMES) {
            Signal s = new Signal(name);
            try {
                previous.add(Signal.handle(s, sig -> forward.accept(sig.getNumber())));
                signals.add(s);
            } catch (IllegalArgumentException e) {
                // The JVM reserves this signal here (e.g. -Xrs); it keeps its default action.
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
