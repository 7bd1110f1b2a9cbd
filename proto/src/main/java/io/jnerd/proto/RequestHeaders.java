package io.jnerd.proto;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Adds containerd's request headers to every call: {@code containerd-namespace} (every
 * object lives in a namespace) and, inside a lease, {@code containerd-lease}.
 */
final class RequestHeaders implements ClientInterceptor {
    static final Metadata.Key<String> NAMESPACE =
            Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> LEASE =
            Metadata.Key.of("containerd-lease", Metadata.ASCII_STRING_MARSHALLER);

    private final String namespace;
    private final String leaseId;

    RequestHeaders(String namespace, String leaseId) {
        this.namespace = namespace;
        this.leaseId = leaseId;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(NAMESPACE, namespace);
                if (leaseId != null) {
                    headers.put(LEASE, leaseId);
                }
                super.start(listener, headers);
            }
        };
    }
}
