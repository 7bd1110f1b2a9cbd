package io.jnerd.proto;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jnerd.proto.containerd.leases.CreateRequest;
import io.jnerd.proto.containerd.leases.DeleteRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A containerd lease: content, snapshots and images made through {@link #client()} are kept
 * from garbage collection until the lease is closed. Multi-step work (import, unpack, run
 * setup) holds one so that nothing it made half-way disappears under it, and so that on
 * failure, closing the lease lets the collector take what was not linked to anything.
 */
public final class Lease implements AutoCloseable {
    /** containerd removes a lease by itself after this RFC 3339 time (a crashed client's). */
    static final String EXPIRE_LABEL = "containerd.io/gc.expire";

    private final Containerd owner;
    private final String id;
    private final Containerd view;
    private boolean closed;

    private Lease(Containerd owner, String id) {
        this.owner = owner;
        this.id = id;
        this.view = owner.withLease(id);
    }

    static Lease create(Containerd owner, Duration expiry) {
        String expireAt = Instant.now().plus(expiry).truncatedTo(ChronoUnit.SECONDS).toString();
        String id = owner.leases().create(CreateRequest.newBuilder()
                .setId("jnerd-" + Long.toHexString(System.nanoTime()) + "-" + ProcessHandle.current().pid())
                .putLabels(EXPIRE_LABEL, expireAt)
                .build()).getLease().getId();
        return new Lease(owner, id);
    }

    public String id() {
        return id;
    }

    /** The client whose calls are made inside this lease. */
    public Containerd client() {
        return view;
    }

    @Override
    public void close() {
        delete(false);
    }

    /**
     * Ends the lease and has containerd collect garbage before answering: for failure paths,
     * so that what the lease alone held (half an image) is gone when jnerd reports the error.
     */
    public void closeAndCollect() {
        delete(true);
    }

    private void delete(boolean sync) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            owner.leases().delete(DeleteRequest.newBuilder().setId(id).setSync(sync).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }
}
