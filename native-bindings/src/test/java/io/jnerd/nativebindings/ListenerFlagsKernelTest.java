package io.jnerd.nativebindings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class ListenerFlagsKernelTest {

    private static final int RET_K = 0x06;

    @Test
    void syncWakeUpIsTakenFromLinux66AndRefusedBefore() throws Throwable {
        try (Fd listener = listenerOfAThrowawayThread()) {
            assertEquals(KernelVersion.atLeast(6, 6),
                    SeccompNotify.setFlags(listener, SeccompNotify.USER_NOTIF_FD_SYNC_WAKE_UP),
                    "SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on " + KernelVersion.current());
            assertEquals(false, SeccompNotify.setFlags(listener, 1L << 40), "an unknown flag is EINVAL");
        }
    }

    /** A listener of an allow-everything filter, installed on a thread that then ends. */
    private static Fd listenerOfAThrowawayThread() throws Throwable {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Prctl.setNoNewPrivs();
                result.set(Seccomp.installWithListener(
                        new long[] {Seccomp.instruction(RET_K, 0, 0, Seccomp.RET_ALLOW)}, 0));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.start();
        t.join();
        if (result.get() instanceof Throwable) {
            throw (Throwable) result.get();
        }
        return (Fd) result.get();
    }
}
