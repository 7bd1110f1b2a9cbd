package io.jnerd.proto;

import com.google.protobuf.Empty;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.jnerd.proto.containerd.containers.ContainersGrpc;
import io.jnerd.proto.containerd.content.ContentGrpc;
import io.jnerd.proto.containerd.diff.DiffGrpc;
import io.jnerd.proto.containerd.events.EventsGrpc;
import io.jnerd.proto.containerd.images.ImagesGrpc;
import io.jnerd.proto.containerd.introspection.IntrospectionGrpc;
import io.jnerd.proto.containerd.leases.LeasesGrpc;
import io.jnerd.proto.containerd.namespaces.NamespacesGrpc;
import io.jnerd.proto.containerd.snapshots.SnapshotsGrpc;
import io.jnerd.proto.containerd.tasks.TasksGrpc;
import io.jnerd.proto.containerd.version.VersionGrpc;
import io.jnerd.proto.containerd.version.VersionResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection to containerd over its unix socket, bound to one containerd namespace (and,
 * for views made by {@link Lease#client()}, one lease). Stubs come with a deadline
 * ({@link #callTimeout()}) unless asked for {@code unbounded}: waits and event streams.
 *
 * <p>gRPC runs on netty's NIO domain-socket channel (JDK 16+ {@link UnixDomainSocketAddress}),
 * so no native transport library is needed.
 */
public final class Containerd implements AutoCloseable {
    public static final String DEFAULT_NAMESPACE = "default";
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * grpc-netty asks every client channel for SO_KEEPALIVE, which a unix socket does not
     * have; netty then warns on each connect. Held here because java.util.logging keeps
     * loggers only weakly: a level set on a dropped logger is forgotten.
     */
    private static final Logger BOOTSTRAP_LOG = quiet("io.netty.bootstrap");

    private final Path socket;
    private final String namespace;
    private final ManagedChannel owned;
    private final EventLoopGroup ownedLoop;
    private final Channel base;
    private final Channel channel;
    private final Duration callTimeout;

    private Containerd(Path socket, String namespace, ManagedChannel owned, EventLoopGroup ownedLoop,
                       Channel base, String leaseId, Duration callTimeout) {
        this.socket = socket;
        this.namespace = namespace;
        this.owned = owned;
        this.ownedLoop = ownedLoop;
        this.base = base;
        this.channel = ClientInterceptors.intercept(base, new RequestHeaders(namespace, leaseId));
        this.callTimeout = callTimeout;
    }

    /**
     * Connects and checks that containerd answers (one Version call), so a missing daemon is
     * reported here, in one line, rather than by whichever call comes first.
     */
    public static Containerd connect(Path socket, String namespace) throws ContainerdUnavailableException {
        if (!Files.exists(socket)) {
            throw new ContainerdUnavailableException(socket, null);
        }
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
                .channelType(NioDomainSocketChannel.class)
                .eventLoopGroup(loop)
                .overrideAuthority("localhost")
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        Containerd client = new Containerd(socket, namespace, channel, loop, channel, null, DEFAULT_CALL_TIMEOUT);
        try {
            VersionGrpc.newBlockingStub(client.channel)
                    .withDeadlineAfter(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .version(Empty.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            client.close();
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
                throw new ContainerdUnavailableException(socket, e);
            }
            throw e;
        }
        return client;
    }

    private static Logger quiet(String name) {
        Logger log = Logger.getLogger(name);
        log.setLevel(Level.SEVERE);
        return log;
    }

    public Path socket() {
        return socket;
    }

    public String namespace() {
        return namespace;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** A view that sends {@code containerd-lease: leaseId} with every call; closing it closes nothing. */
    Containerd withLease(String leaseId) {
        return new Containerd(socket, namespace, null, null, base, leaseId, callTimeout);
    }

    /**
     * A view of this connection in {@code namespace}; closing it closes nothing. For a process
     * that runs many commands over one connection (the warm CLI server): a connection costs
     * a channel, an event loop thread and a round trip.
     */
    public Containerd inNamespace(String namespace) {
        return new Containerd(socket, namespace, null, null, base, null, callTimeout);
    }

    /** Whether this connection is closed or has failed to reach containerd (a new one should be made). */
    public boolean unusable() {
        if (owned == null) {
            return false;
        }
        io.grpc.ConnectivityState state = owned.getState(false);
        return owned.isShutdown() || state == io.grpc.ConnectivityState.TRANSIENT_FAILURE
                || state == io.grpc.ConnectivityState.SHUTDOWN;
    }

    /** Creates a lease that expires by itself after {@code expiry}, should jnerd die holding it. */
    public Lease newLease(Duration expiry) {
        return Lease.create(this, expiry);
    }

    public VersionResponse version() {
        return bounded(VersionGrpc::newBlockingStub).version(Empty.getDefaultInstance());
    }

    public ContainersGrpc.ContainersBlockingStub containers() {
        return bounded(ContainersGrpc::newBlockingStub);
    }

    public ContentGrpc.ContentBlockingStub content() {
        return bounded(ContentGrpc::newBlockingStub);
    }

    /** Streaming content calls (Write is bidirectional); deadline per call as the caller sees fit. */
    public ContentGrpc.ContentStub contentAsync() {
        return ContentGrpc.newStub(channel);
    }

    public DiffGrpc.DiffBlockingStub diff() {
        return bounded(DiffGrpc::newBlockingStub);
    }

    public ImagesGrpc.ImagesBlockingStub images() {
        return bounded(ImagesGrpc::newBlockingStub);
    }

    /** Images calls that return futures: one sent beside another call. */
    public ImagesGrpc.ImagesFutureStub imagesFuture() {
        return bounded(ImagesGrpc::newFutureStub);
    }

    public IntrospectionGrpc.IntrospectionBlockingStub introspection() {
        return bounded(IntrospectionGrpc::newBlockingStub);
    }

    public LeasesGrpc.LeasesBlockingStub leases() {
        return bounded(LeasesGrpc::newBlockingStub);
    }

    public NamespacesGrpc.NamespacesBlockingStub namespaces() {
        return bounded(NamespacesGrpc::newBlockingStub);
    }

    public SnapshotsGrpc.SnapshotsBlockingStub snapshots() {
        return bounded(SnapshotsGrpc::newBlockingStub);
    }

    public TasksGrpc.TasksBlockingStub tasks() {
        return bounded(TasksGrpc::newBlockingStub);
    }

    /** Tasks without a deadline: for Wait, which lasts as long as the container runs. */
    public TasksGrpc.TasksBlockingStub tasksUnbounded() {
        return TasksGrpc.newBlockingStub(channel);
    }

    /** Tasks calls that return futures: several sent at once (a listing's per-container looks). */
    public TasksGrpc.TasksFutureStub tasksFuture() {
        return bounded(TasksGrpc::newFutureStub);
    }

    /** Events' Publish. */
    public EventsGrpc.EventsBlockingStub events() {
        return bounded(EventsGrpc::newBlockingStub);
    }

    /** Events' Subscribe: a stream for as long as the subscriber keeps it. */
    public EventsGrpc.EventsStub eventsAsync() {
        return EventsGrpc.newStub(channel);
    }

    private <S extends AbstractStub<S>> S bounded(Function<Channel, S> factory) {
        return factory.apply(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (owned == null) {
            return;
        }
        owned.shutdownNow();
        try {
            owned.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ownedLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
