package io.jnerd.engine.container;

import java.util.List;

/** The uid, gid and supplementary gids the container's process runs as. */
public final class ProcessUser {
    private final long uid;
    private final long gid;
    private final List<Long> additionalGids;

    public ProcessUser(long uid, long gid, List<Long> additionalGids) {
        this.uid = uid;
        this.gid = gid;
        this.additionalGids = List.copyOf(additionalGids);
    }

    public long uid() {
        return uid;
    }

    public long gid() {
        return gid;
    }

    public List<Long> additionalGids() {
        return additionalGids;
    }
}
