package io.jnerd.engine.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.seccomp.profile.SeccompProfile;
import java.io.IOException;
import java.util.Optional;

/**
 * What networks a container in one {@code --net} mode ({@link io.jnerd.netns.NetworkMode}):
 * the seam for the netns module's drivers (slirp4netns, pasta, bypass4netns). It shapes
 * the spec before the container is created,
 * is attached once the task exists (its pid, hence {@code /proc/PID/ns/net}, is known)
 * and before it starts, and is detached after the task exited (also on failure paths).
 * Register new modes in {@link NetworkAttachers}.
 */
public interface NetworkAttacher {
    /** The {@code --net} value, e.g. "host". */
    String name();

    /** Whether {@code -p} port publishing means something in this mode. */
    boolean publishesPorts();

    /**
     * Whether the network needs a process of jnerd's to keep running (a user-mode driver
     * tied to its parent's lifetime, a bypass served in-process): a detached run hands it
     * to a network keeper ({@link KeeperNetwork}), which re-creates the mode from
     * {@link #keeperFlags()}.
     */
    default boolean needsJnerdRunning() {
        return false;
    }

    /** The {@code jnerd network-keeper} flags that make this same mode in another process. */
    default java.util.List<String> keeperFlags() {
        return java.util.List.of("--net=" + name());
    }

    /**
     * The container's seccomp profile with what this mode needs in it (bypass4netns: connect
     * and bind notified to its agent socket, even for an unconfined run); empty: unconfined.
     */
    default Optional<SeccompProfile> seccomp(Optional<SeccompProfile> profile, ContainerContext context) {
        return profile;
    }

    /**
     * Shapes the runtime spec: the network namespace entry, /etc/hosts, /etc/resolv.conf.
     * Must not start anything.
     */
    void configure(ObjectNode spec, ContainerContext context) throws IOException;

    /**
     * Called before the container is created: makes what must exist when the runtime creates
     * it (files the spec mounts, the bypass's seccomp agent socket). Closed after the task
     * exited and was deleted, or when the run fails.
     */
    default Attachment prepare(ContainerContext context) throws IOException {
        return Attachment.NONE;
    }

    /**
     * Called after task create, before task start; {@code pid} is the container's init.
     * What it starts (slirp4netns, a bypass) is stopped by closing the returned attachment.
     */
    Attachment attach(ContainerContext context, int pid) throws IOException;

    /** What {@link #attach} started; closed after the task exited or when the run fails. */
    interface Attachment extends AutoCloseable {
        Attachment NONE = () -> { };

        @Override
        void close();
    }
}
