package io.jnerd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Router router = new Router(r -> HttpResponse.error(404, "page not found"))
            .add("GET", "/containers/{id}/json", (r, p) -> HttpResponse.text(200, "container " + p.get("id")))
            .add("GET", "/images/{name*}/json", (r, p) -> HttpResponse.text(200, "image " + p.get("name")))
            .add("DELETE", "/images/{name*}", (r, p) -> HttpResponse.text(200, "delete " + p.get("name")))
            .add("HEAD", "/_ping", (r, p) -> HttpResponse.empty(200));

    private String answer(String method, String path) throws Exception {
        HttpResponse r = router.handle(new HttpRequest(method, path, "HTTP/1.1", Map.of(), new byte[0]));
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void namedPartsArePercentDecodedAndTheQueryIsNoPartOfTheMatch() throws Exception {
        assertEquals("200 container abc", answer("GET", "/containers/abc/json?size=1"));
        assertEquals("200 container a b+c", answer("GET", "/containers/a%20b+c/json"));
        assertEquals("200 image localhost:5000/x/y:1", answer("GET", "/images/localhost:5000/x/y:1/json"));
        assertEquals("200 delete busybox:latest", answer("DELETE", "/images/busybox:latest"));
        assertEquals("200 ", answer("HEAD", "/_ping"));
    }

    @Test
    void whatMatchesNothingGoesToTheFallback() throws Exception {
        assertEquals("404 {\"message\":\"page not found\"}", answer("GET", "/containers//json"));
        assertEquals("404 {\"message\":\"page not found\"}", answer("GET", "/containers/a/b/json"));
        assertEquals("404 {\"message\":\"page not found\"}", answer("POST", "/containers/a/json"));
        assertEquals("404 {\"message\":\"page not found\"}", answer("GET", "/_ping"));
        assertEquals(400, router.handle(new HttpRequest("GET", "/containers/%zz/json", "HTTP/1.1", Map.of(),
                new byte[0])).status());
    }

    @Test
    void patternsStartWithASlash() {
        assertThrows(IllegalArgumentException.class, () -> router.add("GET", "x/{id}", (r, p) -> null));
    }
}
