package io.jnerd.cli.warm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One command handed over by jnerd-client (cli/src/main/c/jnerd-client.c, which documents
 * the format): the client's arguments and its environment, each a NUL-terminated string
 * after the magic and the argument count. No working directory: what would need it is not
 * served ({@link ServedCommands}).
 *
 * @param args jnerd's arguments (after the program name)
 * @param env  the client's environment
 */
record WarmRequest(List<String> args, Map<String, String> env) {
    static final String MAGIC = "jnerd-warm-1";
    /** The largest request read: the client's arguments and environment (ARG_MAX is 2 MiB, a usual env a few KiB). */
    static final int MAX_BYTES = 1 << 20;

    static WarmRequest parse(byte[] body) throws IOException {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                fields.add(new String(body, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start != body.length) {
            throw new IOException("the request does not end with a NUL");
        }
        if (fields.size() < 2 || !MAGIC.equals(fields.get(0))) {
            throw new IOException("not a " + MAGIC + " request");
        }
        int argc;
        try {
            argc = Integer.parseInt(fields.get(1));
        } catch (NumberFormatException e) {
            throw new IOException("bad argument count " + fields.get(1));
        }
        if (argc < 0 || 2 + argc > fields.size()) {
            throw new IOException("argument count " + argc + " beyond the request's " + fields.size() + " fields");
        }
        Map<String, String> env = new HashMap<>();
        for (String entry : fields.subList(2 + argc, fields.size())) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return new WarmRequest(List.copyOf(fields.subList(2, 2 + argc)), env);
    }
}
