package io.jnerd.netns.bypass;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The test's end of a running {@link BypassChild}: one command per line in, one answer per line out. */
final class ChildConversation implements AutoCloseable {
    private final Process child;
    private final BufferedReader out;
    private final PrintWriter in;

    ChildConversation(Process child) {
        this.child = child;
        this.out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    int pid() {
        return (int) child.pid();
    }

    /** The child's next line; null once it exited. */
    String readLine() throws IOException {
        return out.readLine();
    }

    void send(String line) {
        in.println(line);
    }

    String ask(String command) throws IOException {
        send(command);
        String answer = readLine();
        return answer == null ? "(child exited)" : answer;
    }

    /** Ends its input, on which the child exits; kills it if it has not within 10 s. */
    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
