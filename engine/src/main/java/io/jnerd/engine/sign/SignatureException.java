package io.jnerd.engine.sign;

/** A signature that was refused, or a key that could not be used; the message is one line. */
public final class SignatureException extends Exception {

    private static final long serialVersionUID = 1L;

    public SignatureException(String message) {
        super(message);
    }

    public SignatureException(String message, Throwable cause) {
        super(message, cause);
    }
}
