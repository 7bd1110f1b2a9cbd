package io.jnerd.netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal HTTP/1.0 GET over a plain socket, for reaching servers through forwarded ports. */
public final class HttpProbe {

    private HttpProbe() {}

    /** The body of a 200 response; anything else fails. */
    public static String get(InetSocketAddress address, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ") || end < 0) {
                throw new IOException("unexpected response from " + address + ": " + response);
            }
            return response.substring(end + 4);
        }
    }
}
