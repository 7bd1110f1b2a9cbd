package io.jnerd.netns.bypassd;

import io.jnerd.netns.IgnoreRules;
import io.jnerd.netns.IpLiteral;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a {@link BypassSpec} beyond its JSON shape. */
public final class BypassSpecs {

    /** Container ids and names: no '/', so an id never steers a path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Set<String> PROTOS = Set.of("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6");

    private BypassSpecs() {}

    /** @throws BypassException 400 naming the first field that is wrong */
    public static void validate(BypassSpec spec) throws BypassException {
        if (spec.id() == null || spec.id().isEmpty()) {
            throw bad("field id is required");
        }
        if (!ID.matcher(spec.id()).matches()) {
            throw bad("field id \"" + spec.id() + "\" must be 1-128 of [A-Za-z0-9_.-], starting alphanumeric");
        }
        if (spec.socketPath() == null || spec.socketPath().isEmpty()) {
            throw bad("field socketPath is required");
        }
        absolute("socketPath", spec.socketPath());
        if (spec.pidFilePath() != null && !spec.pidFilePath().isEmpty()) {
            absolute("pidFilePath", spec.pidFilePath());
        }
        if (spec.logFilePath() != null && !spec.logFilePath().isEmpty()) {
            absolute("logFilePath", spec.logFilePath());
        }
        List<PortSpec> ports = spec.portMapping() == null ? List.of() : spec.portMapping();
        for (int i = 0; i < ports.size(); i++) {
            validatePort("portMapping[" + i + "]", ports.get(i));
        }
        try {
            ignoreRules(spec);
        } catch (IllegalArgumentException e) {
            throw bad("field ignoreSubnets: " + e.getMessage());
        }
    }

    /** The spec's ignore rules ({@code ignoreSubnets}: CIDRs and "auto"). */
    public static IgnoreRules ignoreRules(BypassSpec spec) {
        return spec.ignoreSubnets() == null ? IgnoreRules.none() : IgnoreRules.parse(spec.ignoreSubnets());
    }

    private static void validatePort(String field, PortSpec port) throws BypassException {
        if (port == null) {
            throw bad("field " + field + " is null");
        }
        if (port.protos() == null || port.protos().isEmpty()) {
            throw bad("field " + field + ".protos is required (tcp, udp, ...)");
        }
        for (String proto : port.protos()) {
            if (proto == null || !PROTOS.contains(proto)) {
                throw bad("field " + field + ".protos: \"" + proto + "\" is not supported: use tcp, tcp4, tcp6, udp, udp4 or udp6");
            }
        }
        portNumber(field + ".parentPort", port.parentPort());
        portNumber(field + ".childPort", port.childPort());
        address(field + ".parentIP", port.parentIP());
        address(field + ".childIP", port.childIP());
    }

    private static void portNumber(String field, Integer port) throws BypassException {
        if (port == null) {
            throw bad("field " + field + " is required");
        }
        if (port < 1 || port > 65535) {
            throw bad("field " + field + ": " + port + " is not in 1..65535");
        }
    }

    private static void address(String field, String ip) throws BypassException {
        if (ip == null || ip.isEmpty()) {
            return;
        }
        try {
            IpLiteral.parse(ip);
        } catch (IllegalArgumentException e) {
            throw bad("field " + field + ": " + e.getMessage());
        }
    }

    private static void absolute(String field, String path) throws BypassException {
        boolean ok;
        try {
            ok = Path.of(path).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            ok = false;
        }
        if (!ok) {
            throw bad("field " + field + ": \"" + path + "\" is not an absolute path");
        }
    }

    private static BypassException bad(String message) {
        return new BypassException(400, message);
    }
}
