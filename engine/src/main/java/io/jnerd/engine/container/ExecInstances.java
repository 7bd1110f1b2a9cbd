package io.jnerd.engine.container;

import io.jnerd.engine.JnerdException;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker API's exec instances ({@code POST /containers/{id}/exec}, then {@code /exec/{id}/start},
 * {@code /json}, {@code /resize}): made for a running container, started once, kept with their
 * exit code for inspect. The table is bounded: a client that creates instances without end
 * first pushes out the oldest ended ones, then gets a refusal, never an unbounded map.
 */
public final class ExecInstances {
    /** Far above what docker exec or Testcontainers keep at once (one per exec, inspected once). */
    static final int MAX = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Containerd containerd;
    private final Path stateRoot;
    private final Map<String, ExecInstance> byId = new LinkedHashMap<>();

    /** @param stateRoot jnerd's state dir: each container's stdio FIFOs go under it */
    public ExecInstances(Containerd containerd, Path stateRoot) {
        this.containerd = containerd;
        this.stateRoot = stateRoot;
    }

    /**
     * A new instance of {@code spec} in {@code c}, not started.
     *
     * @throws JnerdException when {@code c} is not running, or the table is full of live instances
     */
    public ExecInstance create(Container c, ContainerExec.ExecSpec spec) {
        ContainerExec.requireRunning(containerd, c);
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        ExecInstance instance = new ExecInstance(HexFormat.of().formatHex(b), c,
                new Containers(containerd).stateDir(stateRoot, c.getId()), spec, containerd);
        synchronized (byId) {
            if (byId.size() >= MAX) {
                for (Iterator<ExecInstance> it = byId.values().iterator(); it.hasNext() && byId.size() >= MAX; ) {
                    if (it.next().ended()) {
                        it.remove();
                    }
                }
            }
            if (byId.size() >= MAX) {
                throw new JnerdException("too many exec instances (" + MAX + ") are created or running");
            }
            byId.put(instance.id(), instance);
        }
        return instance;
    }

    /** By its full ID, as moby finds them. */
    public Optional<ExecInstance> get(String id) {
        synchronized (byId) {
            return Optional.ofNullable(byId.get(id));
        }
    }
}
