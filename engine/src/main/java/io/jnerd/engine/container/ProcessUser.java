package io.jnerd.engine.container;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /** Sets the OCI process's {@code user} to this one. */
    void putInto(ObjectNode process) {
        ObjectNode u = process.putObject("user");
        u.put("uid", uid);
        u.put("gid", gid);
        if (!additionalGids.isEmpty()) {
            ArrayNode g = u.putArray("additionalGids");
            additionalGids.forEach(g::add);
        }
    }
}
