package io.jnerd.http;

/**
 * Answers one request, on a worker thread (it may block). An exception becomes a 500 with its
 * message.
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
