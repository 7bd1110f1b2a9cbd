package io.jnerd.nativebindings;

import java.nio.ByteBuffer;

/**
 * One classic-BPF instruction ({@code struct sock_filter}: u16 code, u8 jt, u8 jf, u32 k).
 * Conditional jumps skip {@code jt} or {@code jf} instructions forward, so a branch can reach
 * at most 255 instructions; {@link #JA} takes its 32-bit offset from {@code k}.
 */
public record BpfInsn(int code, int jt, int jf, int k) {

    // Opcodes from linux/filter.h (class | size/op | mode/source), the subset seccomp accepts.
    public static final int LD_W_ABS = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
    public static final int ALU_AND_K = 0x04 | 0x50 | 0x00; // BPF_ALU | BPF_AND | BPF_K
    public static final int JA = 0x05 | 0x00; // BPF_JMP | BPF_JA
    public static final int JEQ_K = 0x05 | 0x10 | 0x00; // BPF_JMP | BPF_JEQ | BPF_K
    public static final int JGT_K = 0x05 | 0x20 | 0x00; // BPF_JMP | BPF_JGT | BPF_K
    public static final int JGE_K = 0x05 | 0x30 | 0x00; // BPF_JMP | BPF_JGE | BPF_K
    public static final int JSET_K = 0x05 | 0x40 | 0x00; // BPF_JMP | BPF_JSET | BPF_K
    public static final int RET_K = 0x06 | 0x00; // BPF_RET | BPF_K

    /** The most a conditional jump can skip. */
    public static final int MAX_SHORT_JUMP = 255;

    public BpfInsn {
        if (code < 0 || code > 0xFFFF || jt < 0 || jt > MAX_SHORT_JUMP || jf < 0 || jf > MAX_SHORT_JUMP) {
            throw new IllegalArgumentException("invalid BPF instruction code=" + code + " jt=" + jt + " jf=" + jf);
        }
    }

    /** Appends the {@link Seccomp#INSTRUCTION_SIZE} bytes of this struct sock_filter in {@code b}'s order. */
    public void encodeTo(ByteBuffer b) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }

    public boolean isConditionalJump() {
        return (code & 0x07) == 0x05 && code != JA;
    }

    @Override
    public String toString() {
        String kHex = "0x" + Integer.toHexString(k);
        switch (code) {
            case LD_W_ABS: return "ld [" + k + "]";
            case ALU_AND_K: return "and " + kHex;
            case JA: return "ja +" + Integer.toUnsignedString(k);
            case JEQ_K: return "jeq " + kHex + " jt +" + jt + " jf +" + jf;
            case JGT_K: return "jgt " + kHex + " jt +" + jt + " jf +" + jf;
            case JGE_K: return "jge " + kHex + " jt +" + jt + " jf +" + jf;
            case JSET_K: return "jset " + kHex + " jt +" + jt + " jf +" + jf;
            case RET_K: return "ret " + kHex;
            default: return "code 0x" + Integer.toHexString(code) + " jt " + jt + " jf " + jf + " k " + kHex;
        }
    }
}
