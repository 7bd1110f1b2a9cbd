package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TransferProgressTest {
    private static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static String run(TransferProgress.Mode mode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TransferProgress p = new TransferProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), mode);
        TransferProgress.Line line = p.start(DIGEST, "Downloading", 3 << 20);
        line.advance(1 << 20);
        line.advance(2 << 20);
        line.finish("Pull complete");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainIsOneLinePerBlobWhenDone() {
        assertEquals("0123456789ab: Pull complete 3.0 MiB\n", run(TransferProgress.Mode.PLAIN));
    }

    @Test
    void quietIsSilent() {
        assertEquals("", run(TransferProgress.Mode.QUIET));
    }

    @Test
    void terminalRedrawsInPlace() {
        String out = run(TransferProgress.Mode.ANSI);
        assertTrue(out.contains("\033[1A\r\033[2K0123456789ab: Pull complete 3.0 MiB\n"), out);
        assertTrue(out.startsWith("\r\033[2K0123456789ab: Downloading ["), out);
    }
}
