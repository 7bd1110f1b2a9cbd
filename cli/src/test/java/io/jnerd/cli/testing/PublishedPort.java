package io.jnerd.cli.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Reads from a port a container publishes on the host's 127.0.0.1, retrying until it answers. */
public final class PublishedPort {
    private PublishedPort() {}

    /**
     * What the first connection that gets any bytes reads until EOF; "" if none did within
     * {@code timeout} or before {@code gaveUp} (e.g. the container ended).
     */
    public static String read(int port, Duration timeout, BooleanSupplier gaveUp) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !gaveUp.getAsBoolean()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(2000);
                String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!got.isEmpty()) {
                    return got;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        return "";
    }
}
