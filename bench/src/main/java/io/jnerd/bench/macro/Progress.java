package io.jnerd.bench.macro;

import java.io.PrintStream;

/** Progress lines on the terminal (stderr, so stdout stays for the summary). */
final class Progress {
    private final PrintStream out;

    Progress(PrintStream out) {
        this.out = out;
    }

    void line(String text) {
        out.println("bench: " + text);
        out.flush();
    }
}
