package io.jnerd.http;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a JVM of its own by {@link AcceptUnderEmfileTest}: fills this process's fd table so
 * the server's accept(2) fails with EMFILE for 2.5 s, then frees it. Prints
 * {@code failures=N answer=STATUS-LINE}: N accept failures logged in that time.
 */
public final class AcceptUnderEmfileProbe {

    private AcceptUnderEmfileProbe() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        AtomicInteger failures = new AtomicInteger();
        try (UnixHttpServer server = UnixHttpServer.start(socket, r -> HttpResponse.json(200, "{}"),
                ServerLimits.defaults(4), line -> failures.incrementAndGet())) {
            // Load every class a request needs while loading is still possible.
            RawExchange.once(socket, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            List<FileChannel> filler = new ArrayList<>();
            try {
                while (true) {
                    filler.add(FileChannel.open(Path.of("/dev/null")));
                }
            } catch (IOException emfile) {
                // the table is full
            }
            client.connect(UnixDomainSocketAddress.of(socket));
            Thread.sleep(2500);
            int during = failures.get();
            for (FileChannel f : filler) {
                f.close();
            }
            try (RawExchange x = new RawExchange(client)) {
                x.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
                String answer = x.readToEnd();
                System.out.println("failures=" + during + " answer=" + answer.lines().findFirst().orElse(""));
            }
        }
    }
}
