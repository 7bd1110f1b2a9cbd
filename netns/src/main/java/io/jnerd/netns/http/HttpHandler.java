package io.jnerd.netns.http;

/** Answers one request. An exception becomes a 500 with its message. */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
