package io.jnerd.netns.bypassd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The running bypasses by id; what the REST routes act on. */
public final class BypassRegistry implements AutoCloseable {

    private final BypassFactory factory;
    private final Consumer<String> log;
    private final Map<String, Entry> bypasses = new LinkedHashMap<>();

    private record Entry(BypassStatus status, Bypass bypass, Consumer<String> log) {}

    public BypassRegistry(BypassFactory factory, Consumer<String> log) {
        this.factory = factory;
        this.log = log;
    }

    /** Validates and starts a bypass. @throws BypassException 400 for a bad spec or a duplicate id */
    public synchronized BypassStatus start(BypassSpec spec) throws BypassException {
        BypassSpecs.validate(spec);
        if (bypasses.containsKey(spec.id())) {
            throw new BypassException(400, "bypass \"" + spec.id() + "\" already exists");
        }
        Consumer<String> bypassLog = BypassLog.forSpec(spec, log);
        Bypass bypass = factory.start(spec, bypassLog);
        BypassStatus status = new BypassStatus(spec.id(), ProcessHandle.current().pid(), spec, List.of());
        bypasses.put(spec.id(), new Entry(status, bypass, bypassLog));
        bypassLog.accept("bypass " + spec.id() + " started (agent socket " + spec.socketPath() + ")");
        return status;
    }

    public synchronized List<BypassStatus> list() {
        List<BypassStatus> out = new ArrayList<>();
        bypasses.values().forEach(e -> out.add(new BypassStatus(e.status().id(), e.status().pid(), e.status().spec(),
                e.bypass().notSwitched())));
        return out;
    }

    /** @throws BypassException 404 for an unknown id, 500 when stopping failed */
    public synchronized void stop(String id) throws BypassException {
        Entry e = bypasses.remove(id);
        if (e == null) {
            throw new BypassException(404, "bypass \"" + id + "\" does not exist");
        }
        try {
            e.bypass().close();
        } catch (IOException ex) {
            throw new BypassException(500, "stopping bypass \"" + id + "\": " + ex.getMessage(), ex);
        }
        e.log().accept("bypass " + id + " stopped");
    }

    public synchronized BypassStats stats(String id) throws BypassException {
        Entry e = bypasses.get(id);
        if (e == null) {
            throw new BypassException(404, "bypass \"" + id + "\" does not exist");
        }
        return e.bypass().stats();
    }

    /** Stops every bypass. */
    @Override
    public synchronized void close() {
        for (String id : new ArrayList<>(bypasses.keySet())) {
            try {
                stop(id);
            } catch (BypassException e) {
                log.accept(e.getMessage());
            }
        }
    }
}
