package io.jnerd.cli.warm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One command handed over by jnerd-client (cli/src/main/c/jnerd-client.c, which documents
 * the format): the client's working directory, its arguments and its environment, each a
 * NUL-terminated string after the magic.
 *
 * @param cwd  the client's working directory
 * @param args jnerd's arguments (after the program name)
 * @param env  the client's environment
 */
record WarmRequest(String cwd, List<String> args, Map<String, String> env) {
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
        if (fields.size() < 3 || !MAGIC.equals(fields.get(0))) {
            throw new IOException("not a " + MAGIC + " request");
        }
        int argc;
        try {
            argc = Integer.parseInt(fields.get(2));
        } catch (NumberFormatException e) {
            throw new IOException("bad argument count " + fields.get(2));
        }
        if (argc < 0 || 3 + argc > fields.size()) {
            throw new IOException("argument count " + argc + " beyond the request's " + fields.size() + " fields");
        }
        Map<String, String> env = new HashMap<>();
        for (String entry : fields.subList(3 + argc, fields.size())) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return new WarmRequest(fields.get(1), List.copyOf(fields.subList(3, 3 + argc)), env);
    }
}
