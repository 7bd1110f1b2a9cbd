package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's lock: what one slow bypass does to the others' requests. */
class BypassRegistryTest {

    @TempDir
    Path dir;

    private BypassSpec spec(String id) {
        return new BypassSpec(id, dir.resolve(id + ".sock").toString(), null, null, List.of(), List.of(), null);
    }

    /** A bypass that holds nothing; {@code onClose} runs while it is being stopped. */
    private static Bypass bypass(Runnable onClose) {
        return new Bypass() {
            @Override
            public BypassStatsReport stats() {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<String> notSwitched() {
                return List.of();
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }

    @Test
    void aSlowDeleteHoldsUpNeitherAGetNorAnotherPost() throws Exception {
        ExecutorService others = Executors.newSingleThreadExecutor();
        CountDownLatch stopping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BypassRegistry registry = new BypassRegistry((spec, log) -> bypass(() -> {
            if (spec.id().equals("slow")) {
                stopping.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }), line -> { });
        try {
            registry.start(spec("slow"));
            CompletableFuture<Void> delete = CompletableFuture.runAsync(() -> {
                try {
                    registry.stop("slow");
                } catch (BypassException e) {
                    throw new IllegalStateException(e);
                }
            });
            stopping.await();
            // While "slow" is stopping: a GET and a POST of another id are served, and the
            // id stays taken until its bypass has ended.
            List<String> listed = others.submit(() -> registry.list().stream().map(BypassStatus::id).toList())
                    .get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), listed);
            assertEquals("other", others.submit(() -> registry.start(spec("other")).id()).get(30, TimeUnit.SECONDS));
            BypassException taken = assertThrows(BypassException.class, () -> registry.start(spec("slow")));
            assertEquals("bypass \"slow\" already exists", taken.getMessage());
            release.countDown();
            delete.get(30, TimeUnit.SECONDS);
            assertEquals("slow", registry.start(spec("slow")).id());
        } finally {
            release.countDown();
            others.shutdownNow();
            registry.close();
        }
    }
}
