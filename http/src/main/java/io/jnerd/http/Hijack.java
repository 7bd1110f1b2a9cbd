package io.jnerd.http;

/**
 * What a hijacked connection does once its response head is out (attach, exec start): it owns
 * the raw byte stream in both directions until it returns; then the server closes the connection.
 */
@FunctionalInterface
public interface Hijack {
    void run(RawStream stream) throws Exception;
}
