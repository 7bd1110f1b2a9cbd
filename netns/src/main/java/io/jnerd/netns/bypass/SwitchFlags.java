package io.jnerd.netns.bypass;

/** Open-file flags the switch reads and sets (asm-generic/fcntl.h, x86_64 and aarch64). */
final class SwitchFlags {

    static final int O_NONBLOCK = 0x800;

    private SwitchFlags() {}
}
