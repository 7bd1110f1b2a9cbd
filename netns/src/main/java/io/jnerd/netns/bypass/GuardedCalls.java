package io.jnerd.netns.bypass;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.seccomp.ContainerState;
import io.jnerd.seccomp.profile.OciNames;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.logging.Logger;

/**
 * Which of the calls that could use a switched socket against the host the container's
 * seccomp filter sends to the agent. jnerd's own profile notifies all of them; nerdctl's
 * (bind, close, connect, setsockopt, fcntl, _exit, exit_group, getpeername) notifies no
 * send and no listen, so under it the bypass switches only what it can still guard
 * (DESIGN.md, "Socket switching").
 *
 * <p>The i386 ABI's socketcall multiplexes every socket call with its arguments in memory,
 * where no filter can see which call it is; docker's and nerdctl's profiles allow it for
 * SCMP_ARCH_X86. A 64-bit process can then {@code int $0x80} a socketcall(SYS_CONNECT) with
 * AF_UNSPEC on any switched socket, connected or listening (tcp_disconnect makes it
 * unconnected), and then connect it to the host's loopback, and the agent sees neither.
 * Under such a filter no socket can be switched safely at all.
 *
 * @param sends      sendto with an address, sendmsg and sendmmsg are all notified
 * @param listen     listen is notified
 * @param socketcall no socket call of the i386 ABI runs unseen: the filter admits no i386
 *                   ABI, or it notifies socketcall (the bypass refuses every compat socket call)
 */
public record GuardedCalls(boolean sends, boolean listen, boolean socketcall) {

    /** jnerd's own profile. */
    public static final GuardedCalls ALL = new GuardedCalls(true, true, true);
    /** What is assumed when the container's filter cannot be read. */
    public static final GuardedCalls NONE = new GuardedCalls(false, false, false);

    /** Whether a socket of this kind may be switched to a host socket under this filter. */
    public boolean switches(boolean udp) {
        return socketcall && (sends || !udp);
    }

    private static final Logger LOG = Logger.getLogger(GuardedCalls.class.getName());
    private static final List<String> SENDS = List.of("sendto", "sendmsg", "sendmmsg");
    /** The OCI name of the i386 ABI, the one with socketcall (x32 and 32-bit ARM EABI have none). */
    private static final String I386_ARCH = "SCMP_ARCH_X86";
    /** Readings by container, so every caller for one container gets the same answer from one read. */
    private static final Map<ContainerState, Reading> READINGS = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * What was read for one container.
     *
     * @param calls   what the filter notifies ({@link #NONE} when it could not be read)
     * @param problem why the filter could not be read, or null
     */
    public record Reading(GuardedCalls calls, String problem) {}

    /** From the names of the syscalls the filter notifies (unconditionally or as jnerd's profile does). */
    public static GuardedCalls of(Collection<String> notified) {
        return new GuardedCalls(notified.containsAll(SENDS), notified.contains("listen"), notified.contains("socketcall"));
    }

    /**
     * What the filter of the container that runc described in {@code state} notifies, read
     * from its bundle's config.json ({@code linux.seccomp}: runc built the filter from it).
     * Anything that cannot be read or understood counts as nothing guarded.
     */
    public static GuardedCalls of(ContainerState state) {
        return read(state).calls();
    }

    /** {@link #of(ContainerState)} with the reason when the filter could not be read (logged once). */
    public static Reading read(ContainerState state) {
        Reading known = READINGS.get(state);
        if (known != null) {
            return known;
        }
        // Read outside the map's lock (one container's slow file holds up no other); of two
        // readings at once, the first stored is everyone's.
        Reading now = readNow(state);
        synchronized (READINGS) {
            return READINGS.computeIfAbsent(state, s -> now);
        }
    }

    private static Reading readNow(ContainerState state) {
        String bundle = state.state() == null ? null : state.state().bundle();
        try {
            if (bundle == null || bundle.isEmpty()) {
                throw new IOException("the runtime named no bundle");
            }
            Path dir;
            try {
                dir = Path.of(bundle);
            } catch (InvalidPathException e) {
                throw new IOException("bundle \"" + bundle + "\" is not a path");
            }
            if (!dir.isAbsolute()) {
                throw new IOException("bundle \"" + bundle + "\" is not absolute");
            }
            JsonNode seccomp = BundleConfig.field(BundleConfig.field(BundleConfig.read(dir), "linux"), "seccomp");
            return new Reading(fromSeccomp(seccomp), null);
        } catch (IOException | RuntimeException e) {
            String why = "cannot tell what the seccomp filter of container " + state.containerId()
                    + " notifies (" + e.getMessage() + "): switching only what needs no guard";
            LOG.warning(why);
            return new Reading(NONE, why);
        }
    }

    /** From the OCI {@code linux.seccomp} object. @throws IOException when it is malformed */
    static GuardedCalls fromSeccomp(JsonNode seccomp) throws IOException {
        if (seccomp.isMissingNode() || seccomp.isNull()) {
            return NONE;
        }
        boolean sends = true;
        for (String name : SENDS) {
            sends &= notified(seccomp, name);
        }
        boolean i386 = false;
        for (JsonNode arch : array(BundleConfig.field(seccomp, "architectures"), "architectures")) {
            i386 |= I386_ARCH.equals(text(arch, "architectures"));
        }
        return new GuardedCalls(sends, notified(seccomp, "listen"), !i386 || notified(seccomp, "socketcall"));
    }

    /**
     * Whether every call of {@code name} with an address reaches the agent: a NOTIFY rule
     * without conditions (or, for sendto, exactly jnerd's "address argument != 0"), and no
     * rule of another action that could let such a call run (for sendto, one that also
     * requires the address to be 0 is harmless). How libseccomp orders overlapping rules of
     * different actions is not relied on: any overlap counts as not notified. With no rule
     * for {@code name}, the default action decides.
     */
    private static boolean notified(JsonNode seccomp, String name) throws IOException {
        boolean guarded = false;
        boolean named = false;
        for (JsonNode rule : array(BundleConfig.field(seccomp, "syscalls"), "syscalls")) {
            if (!names(rule).contains(name)) {
                continue;
            }
            named = true;
            List<Arg> args = args(rule);
            if (OciNames.ACT_NOTIFY.equals(text(BundleConfig.field(rule, "action"), "action"))) {
                guarded |= args.isEmpty() || isSendtoAddressSet(name, args);
            } else if (!(name.equals("sendto") && args.contains(new Arg(BypassProfile.SENDTO_ADDRESS_ARG, 0, 0, OciNames.CMP_EQ)))) {
                return false;
            }
        }
        return named ? guarded : OciNames.ACT_NOTIFY.equals(text(BundleConfig.field(seccomp, "defaultAction"), "defaultAction"));
    }

    private static boolean isSendtoAddressSet(String name, List<Arg> args) {
        return name.equals("sendto") && args.equals(List.of(new Arg(BypassProfile.SENDTO_ADDRESS_ARG, 0, 0, OciNames.CMP_NE)));
    }

    private record Arg(long index, long value, long valueTwo, String op) {}

    private static List<Arg> args(JsonNode rule) throws IOException {
        List<Arg> out = new ArrayList<>();
        for (JsonNode a : array(BundleConfig.field(rule, "args"), "args")) {
            out.add(new Arg(number(BundleConfig.field(a, "index"), "index"), number(BundleConfig.field(a, "value"), "value"),
                    number(BundleConfig.field(a, "valueTwo"), "valueTwo"), text(BundleConfig.field(a, "op"), "op")));
        }
        return out;
    }

    private static List<String> names(JsonNode rule) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(BundleConfig.field(rule, "names"), "names")) {
            out.add(text(n, "names"));
        }
        return out;
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) throws IOException {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IOException("seccomp field " + field + " is not an array");
        }
        return node;
    }

    private static String text(JsonNode node, String field) throws IOException {
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new IOException("seccomp field " + field + " is not a string");
        }
        return node.asText();
    }

    /** An unsigned 64-bit JSON number (Go's uint64), 0 when absent. */
    private static long number(JsonNode node, String field) throws IOException {
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0 || node.bigIntegerValue().bitLength() > 64) {
            throw new IOException("seccomp field " + field + " is not an unsigned 64-bit integer");
        }
        return node.bigIntegerValue().longValue();
    }

    /** One line per kind of socket or step the switch leaves out under this filter, and why; empty for {@link #ALL}. */
    public List<String> degradations() {
        List<String> out = new ArrayList<>();
        if (!socketcall) {
            out.add("nothing is switched: the seccomp filter lets the i386 socketcall run unseen, which could"
                    + " disconnect a switched socket and connect it to the host's loopback");
        }
        if (!sends) {
            out.add("UDP sockets are not switched: the seccomp filter does not notify sendto with an address,"
                    + " sendmsg and sendmmsg, so a switched UDP socket's sends could reach the host's loopback");
        }
        if (!listen) {
            out.add("no socket that could listen is switched: the seccomp filter does not notify listen,"
                    + " so a host socket in the container could listen on a host port nobody published");
        }
        return out;
    }
}
