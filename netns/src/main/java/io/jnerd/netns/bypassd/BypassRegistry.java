package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The running bypasses by id; what the REST routes act on. The lock guards the map only:
 * starting and stopping a bypass (which waits for its agent thread and its container's
 * session to end) happen outside it, with the id held in {@code busy} meanwhile, so a slow
 * DELETE holds up neither a GET nor the POST of another container.
 */
public final class BypassRegistry implements AutoCloseable {

    private final BypassFactory factory;
    private final ClientPaths paths;
    private final Consumer<String> log;
    private final Map<String, Entry> bypasses = new LinkedHashMap<>();
    /** Ids being started or stopped: taken, but not (or no longer) listed. */
    private final Set<String> busy = new HashSet<>();

    private record Entry(BypassStatus status, Bypass bypass, Consumer<String> log) {}

    /** A registry for a bypass served in its client's own process: paths anywhere the client may write. */
    public BypassRegistry(BypassFactory factory, Consumer<String> log) {
        this(factory, ClientPaths.anywhere(), log);
    }

    /** @param paths where clients may have files made ({@link ClientPaths}) */
    public BypassRegistry(BypassFactory factory, ClientPaths paths, Consumer<String> log) {
        this.factory = factory;
        this.paths = paths;
        this.log = log;
    }

    /** Validates and starts a bypass. @throws BypassException 400 for a bad spec, a path refused, or a duplicate id */
    public BypassStatus start(BypassSpec spec) throws BypassException {
        return open(spec, (s, bypassLog) -> factory.start(s, bypassLog), "started");
    }

    /**
     * Takes over a bypass a previous daemon served, with the same checks as a POST (the state
     * was read from a file: whatever wrote it, it gets no more trust than a request).
     */
    BypassStatus resume(BypassState state, Map<String, Fd> kept) throws BypassException {
        return open(state.spec(), (s, bypassLog) -> factory.resume(state, kept, bypassLog), "taken over");
    }

    private BypassStatus open(BypassSpec spec, BypassFactory how, String done) throws BypassException {
        BypassSpecs.validate(spec);
        paths.check(spec);
        synchronized (this) {
            if (bypasses.containsKey(spec.id()) || busy.contains(spec.id())) {
                throw new BypassException(400, "bypass \"" + spec.id() + "\" already exists");
            }
            busy.add(spec.id());
        }
        Entry entry = null;
        try {
            Consumer<String> bypassLog = BypassLog.forSpec(spec, log);
            Bypass bypass = how.start(spec, bypassLog);
            entry = new Entry(new BypassStatus(spec.id(), ProcessHandle.current().pid(), spec, List.of()), bypass, bypassLog);
        } finally {
            synchronized (this) {
                busy.remove(spec.id());
                if (entry != null) {
                    bypasses.put(spec.id(), entry);
                }
            }
        }
        entry.log().accept("bypass " + spec.id() + " " + done + " (agent socket " + spec.socketPath() + ")");
        return entry.status();
    }

    public synchronized List<BypassStatus> list() {
        List<BypassStatus> out = new ArrayList<>();
        bypasses.values().forEach(e -> out.add(new BypassStatus(e.status().id(), e.status().pid(), e.status().spec(),
                e.bypass().notSwitched())));
        return out;
    }

    /** @throws BypassException 404 for an unknown id, 500 when stopping failed */
    public void stop(String id) throws BypassException {
        Entry e;
        synchronized (this) {
            e = bypasses.remove(id);
            if (e == null) {
                throw new BypassException(404, "bypass \"" + id + "\" does not exist");
            }
            busy.add(id);
        }
        try {
            e.bypass().close();
        } catch (IOException ex) {
            throw new BypassException(500, "stopping bypass \"" + id + "\": " + ex.getMessage(), ex);
        } finally {
            synchronized (this) {
                busy.remove(id);
            }
        }
        e.log().accept("bypass " + id + " stopped");
    }

    public BypassStatsReport stats(String id) throws BypassException {
        Entry e;
        synchronized (this) {
            e = bypasses.get(id);
        }
        if (e == null) {
            throw new BypassException(404, "bypass \"" + id + "\" does not exist");
        }
        return e.bypass().stats();
    }

    /** Stops serving every bypass for a restart of the daemon ({@link Bypass#detach()}). */
    public void detach() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(bypasses.values());
            bypasses.clear();
        }
        for (Entry e : all) {
            try {
                e.bypass().detach();
            } catch (IOException | RuntimeException ex) {
                log.accept("bypass " + e.status().id() + ": detaching: " + ex.getMessage());
            }
        }
    }

    /** Stops every bypass. */
    @Override
    public void close() {
        List<String> ids;
        synchronized (this) {
            ids = new ArrayList<>(bypasses.keySet());
        }
        for (String id : ids) {
            try {
                stop(id);
            } catch (BypassException e) {
                log.accept(e.getMessage());
            }
        }
    }
}
