package io.jnerd.engine.image;

import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.content.Info;
import io.jnerd.proto.containerd.content.InfoRequest;
import io.jnerd.proto.containerd.content.ReadContentRequest;
import io.jnerd.proto.containerd.content.ReadContentResponse;
import io.jnerd.proto.containerd.content.UpdateRequest;
import io.jnerd.proto.containerd.content.WriteAction;
import io.jnerd.proto.containerd.content.WriteContentRequest;
import io.jnerd.proto.containerd.content.WriteContentResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** containerd's content store: blobs in (digest and size verified on both sides) and out. */
public final class ContentStore {
    private static final int CHUNK = 1 << 20;
    private final Containerd containerd;

    public ContentStore(Containerd containerd) {
        this.containerd = containerd;
    }

    public Optional<Info> info(String digest) {
        try {
            return Optional.of(containerd.content().info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo());
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Reads a whole blob (manifests, configs: small). */
    public byte[] read(String digest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Iterator<ReadContentResponse> it = containerd.content().read(ReadContentRequest.newBuilder().setDigest(digest).build());
        while (it.hasNext()) {
            byte[] chunk = it.next().getData().toByteArray();
            out.write(chunk, 0, chunk.length);
        }
        byte[] bytes = out.toByteArray();
        if (!Digest.of(bytes).equals(digest)) {
            throw new IllegalStateException("content store returned bytes that do not match " + digest);
        }
        return bytes;
    }

    /** A blob as a stream (layers can be large). */
    public InputStream open(String digest) {
        Iterator<ReadContentResponse> it = containerd.content().withDeadline(null)
                .read(ReadContentRequest.newBuilder().setDigest(digest).build());
        return new InputStream() {
            private byte[] chunk = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                while (pos >= chunk.length) {
                    if (!it.hasNext()) {
                        return -1;
                    }
                    chunk = it.next().getData().toByteArray();
                    pos = 0;
                }
                int n = Math.min(len, chunk.length - pos);
                System.arraycopy(chunk, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** Sets labels on an existing blob (only the named keys change). */
    public void label(String digest, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return;
        }
        FieldMask.Builder mask = FieldMask.newBuilder();
        labels.keySet().forEach(k -> mask.addPaths("labels." + k));
        containerd.content().update(UpdateRequest.newBuilder()
                .setInfo(Info.newBuilder().setDigest(digest).putAllLabels(labels))
                .setUpdateMask(mask).build());
    }

    /**
     * Writes {@code content} as blob {@code expected}, unless containerd has it already (then
     * only the labels are set). The digest and size are checked here while streaming and by
     * containerd at commit; a mismatch aborts the write and nothing is committed.
     */
    public void write(Descriptor expected, InputStream content, Map<String, String> labels) throws IOException {
        if (info(expected.digest()).isPresent()) {
            label(expected.digest(), labels);
            return;
        }
        String ref = "jnerd-" + ProcessHandle.current().pid() + "-" + expected.digest();
        Writer w = new Writer();
        StreamObserver<WriteContentRequest> requests = containerd.contentAsync()
                .withDeadlineAfter(containerd.callTimeout().toMillis() + expected.size() / 1000, TimeUnit.MILLISECONDS)
                .write(w);
        MessageDigest md = Digest.sha256();
        long offset = 0;
        try {
            byte[] buf = new byte[CHUNK];
            for (int n; (n = content.readNBytes(buf, 0, CHUNK)) > 0; ) {
                md.update(buf, 0, n);
                if (offset + n > expected.size()) {
                    throw new IOException("blob " + expected.digest() + " is larger than its descriptor's " + expected.size() + " bytes");
                }
                requests.onNext(WriteContentRequest.newBuilder().setAction(WriteAction.WRITE).setRef(ref)
                        .setTotal(expected.size()).setExpected(expected.digest()).setOffset(offset)
                        .setData(ByteString.copyFrom(buf, 0, n)).build());
                w.take();
                offset += n;
            }
            if (offset != expected.size()) {
                throw new IOException("blob " + expected.digest() + " has " + offset + " bytes, its descriptor says " + expected.size());
            }
            String actual = Digest.format(md);
            if (!actual.equals(expected.digest())) {
                throw new IOException("blob digest mismatch: expected " + expected.digest() + ", got " + actual);
            }
            requests.onNext(WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setRef(ref)
                    .setTotal(expected.size()).setExpected(expected.digest()).setOffset(offset)
                    .putAllLabels(labels).build());
            w.take();
            requests.onCompleted();
        } catch (StatusRuntimeException e) {
            if (ContainerdErrors.isAlreadyExists(e)) {
                label(expected.digest(), labels);
                return;
            }
            abort(requests, ref);
            throw e;
        } catch (IOException | RuntimeException e) {
            abort(requests, ref);
            throw e;
        }
    }

    private void abort(StreamObserver<WriteContentRequest> requests, String ref) {
        requests.onError(io.grpc.Status.CANCELLED.withDescription("jnerd aborted the write").asRuntimeException());
        // A write stopped by an interrupt (a cancelled pull) still aborts: a blocking gRPC call
        // fails at once on an interrupted thread, so the interrupt waits until after it.
        boolean interrupted = Thread.interrupted();
        try {
            containerd.content().abort(io.jnerd.proto.containerd.content.AbortRequest.newBuilder().setRef(ref).build());
        } catch (StatusRuntimeException ignored) {
            // Nothing was started under this ref, or containerd already dropped it.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Turns the response stream into blocking takes: one response per request sent. */
    private static final class Writer implements StreamObserver<WriteContentResponse> {
        private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();

        @Override
        public void onNext(WriteContentResponse value) {
            responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
            responses.add(t);
        }

        @Override
        public void onCompleted() {
            responses.add(new IllegalStateException("containerd closed the write stream early"));
        }

        WriteContentResponse take() throws IOException {
            Object o;
            try {
                o = responses.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing content", e);
            }
            if (o instanceof StatusRuntimeException) {
                throw (StatusRuntimeException) o;
            }
            if (o instanceof Throwable) {
                throw new IOException("content write failed: " + ((Throwable) o).getMessage(), (Throwable) o);
            }
            return (WriteContentResponse) o;
        }
    }
}
