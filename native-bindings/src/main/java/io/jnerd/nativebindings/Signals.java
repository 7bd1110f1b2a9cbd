package io.jnerd.nativebindings;

/** Signal numbers (asm-generic/signal.h; x86_64 and aarch64 share them). */
public final class Signals {

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {}
}
