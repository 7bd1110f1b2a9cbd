package io.jnerd.netns.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestReaderTest {

    private static HttpRequestReader reader(String text) {
        return new HttpRequestReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static int status(String text) {
        return assertThrows(BadRequestException.class, () -> reader(text).read()).status();
    }

    @Test
    void requestsWithBodiesInSequence() throws Exception {
        HttpRequestReader r = reader("POST /v1/bypass HTTP/1.1\r\nHost: bypass4netnsd\r\nContent-Length: 2\r\n"
                + "Content-Type: application/json\r\n\r\n{}GET /v1/bypass HTTP/1.1\nConnection: close\n\n");
        HttpRequest post = r.read();
        assertEquals("POST", post.method());
        assertEquals("/v1/bypass", post.path());
        assertEquals("{}", post.bodyText());
        assertEquals("application/json", post.header("content-type"));
        assertTrue(post.keepAlive());
        HttpRequest get = r.read();
        assertEquals("GET", get.method());
        assertEquals(0, get.body().length);
        assertFalse(get.keepAlive());
        assertNull(r.read(), "EOF between requests is a clean end");
    }

    @Test
    void http10ClosesUnlessAskedToKeep() throws Exception {
        assertFalse(reader("GET / HTTP/1.0\r\n\r\n").read().keepAlive());
        assertTrue(reader("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().keepAlive());
    }

    @Test
    void garbageAndLimits() {
        assertEquals(400, status("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003\r\n\r\n"));
        assertEquals(400, status("hello\r\n\r\n"));
        assertEquals(400, status("GET  /x HTTP/1.1\r\n\r\n"));
        assertEquals(400, status("GET http://x/ HTTP/1.1\r\n\r\n"));
        assertEquals(505, status("GET / HTTP/2.0\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nNo-Colon\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nName : v\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nA: b\u0000c\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: x\r\n"));
        assertEquals(414, status("GET /" + "a".repeat(HttpRequestReader.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n"));
        assertEquals(431, status("GET / HTTP/1.1\r\n" + ("X-A: " + "b".repeat(1000) + "\r\n").repeat(20) + "\r\n"));
        assertEquals(431, status("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(101) + "\r\n"));
        assertEquals(413, status("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"));
        assertEquals(400, status("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}"));
        assertEquals(501, status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
    }
}
