package io.jnerd.nativebindings;

/**
 * Signal numbers jnerd sends (to containers through containerd, to its helpers). The
 * generic Linux numbers (asm-generic/signal.h), the same on x86-64 and aarch64.
 */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {}
}
