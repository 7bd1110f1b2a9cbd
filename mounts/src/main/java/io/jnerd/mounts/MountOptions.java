package io.jnerd.mounts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code run}'s {@code -v SRC:DST[:OPTS]} and {@code --mount k=v,…} into
 * {@link MountRequest}s, with Docker 25's meaning of read-only: {@code ro} /
 * {@code readonly} is recursive where the runtime can make it so (else the top mount
 * only, with a warning), {@code rro} / {@code bind-recursive=readonly} insists on it.
 * Every rejected value gives one line naming the bad part.
 */
public final class MountOptions {

    private static final String VOLUME_OPTIONS = "ro, rw, rro, bind, rbind, private, rprivate, shared, rshared, slave, rslave, z, Z";
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?");
    private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");

    private MountOptions() {}

    /** Parses a {@code -v} value; a relative source ("./data") is taken from {@code cwd}. */
    public static MountRequest parseVolume(String spec, Path cwd) {
        Fail fail = problem -> new InvalidMountOptionException("-v " + spec + ": " + problem);
        String[] parts = spec.split(":", -1);
        if (spec.isEmpty()) {
            throw fail.because("empty value");
        }
        if (parts.length == 1) {
            throw fail.because("anonymous volumes are not supported yet (give SRC:DST)");
        }
        if (parts.length > 3) {
            throw fail.because("too many ':' (expected SRC:DST[:OPTIONS])");
        }
        String source = hostPath(parts[0], cwd, fail);
        String destination = containerPath(parts[1], fail);
        Choice<ReadOnlyMode> readOnly = new Choice<>();
        Choice<Boolean> recursive = new Choice<>();
        Choice<Propagation> propagation = new Choice<>();
        List<String> notes = new ArrayList<>();
        String[] options = parts.length == 3 ? parts[2].split(",", -1) : new String[0];
        for (String option : options) {
            switch (option) {
                case "":
                    throw fail.because("empty option");
                case "ro":
                    readOnly.set(option, ReadOnlyMode.RECURSIVE_IF_POSSIBLE, fail);
                    break;
                case "rro":
                    readOnly.set(option, ReadOnlyMode.RECURSIVE, fail);
                    break;
                case "rw":
                    readOnly.set(option, ReadOnlyMode.WRITABLE, fail);
                    break;
                case "bind":
                    recursive.set(option, false, fail);
                    break;
                case "rbind":
                    recursive.set(option, true, fail);
                    break;
                case "z":
                case "Z":
                    notes.add("-v " + spec + ": option " + option + " ignored: jnerd does not relabel for SELinux");
                    break;
                default:
                    Propagation p = Propagation.byOption(option).orElseThrow(() -> fail.because(
                            "unknown option \"" + option + "\" (expected " + VOLUME_OPTIONS + ")"));
                    propagation.set(option, p, fail);
            }
        }
        if (readOnly.value == ReadOnlyMode.RECURSIVE && propagation.value != null && propagation.value != Propagation.RPRIVATE) {
            throw fail.because("rro requires rprivate propagation, not " + propagation.name
                    + " (a shared or slave tree would receive writable submounts)");
        }
        return MountRequest.bind(source, destination, readOnly.or(ReadOnlyMode.WRITABLE), recursive.or(true),
                propagation.or(Propagation.RPRIVATE), notes);
    }

    /** Parses a {@code --mount} value: type=bind or type=tmpfs (type=volume is not supported yet). */
    public static MountRequest parseMount(String spec, Path cwd) {
        Fail fail = problem -> new InvalidMountOptionException("--mount " + spec + ": " + problem);
        Map<String, String> fields = fields(spec, fail);
        String type = fields.getOrDefault("type", "volume");
        for (String key : fields.keySet()) {
            checkKnown(key, type, fail);
        }
        if ("volume".equals(type)) {
            throw fail.because("type=volume is not supported yet" + (fields.containsKey("type") ? "" : " (it is the default)")
                    + ": give type=bind or type=tmpfs");
        }
        if (!MountRequest.BIND.equals(type) && !MountRequest.TMPFS.equals(type)) {
            throw fail.because("unknown type=" + type + " (expected bind or tmpfs)");
        }
        String target = first(fields, fail, "target", "destination", "dst");
        if (target == null) {
            throw fail.because("target is required");
        }
        String destination = containerPath(target, fail);
        boolean readOnly = bool(fields, fail, "readonly", "ro");
        if (MountRequest.TMPFS.equals(type)) {
            if (first(fields, fail, "source", "src") != null) {
                throw fail.because("type=tmpfs takes no source");
            }
            String size = fields.get("tmpfs-size");
            String mode = fields.get("tmpfs-mode");
            return MountRequest.tmpfs(destination, readOnly, size == null ? null : bytes(size, fail),
                    mode == null ? null : octal(mode, fail));
        }
        String source = first(fields, fail, "source", "src");
        if (source == null) {
            throw fail.because("source is required for type=bind");
        }
        String propagationName = fields.get("bind-propagation");
        Propagation propagation = propagationName == null ? Propagation.RPRIVATE
                : Propagation.byOption(propagationName).orElseThrow(() -> fail.because("unknown bind-propagation="
                        + propagationName + " (expected private, rprivate, shared, rshared, slave or rslave)"));
        String recursive = bindRecursive(fields, fail);
        ReadOnlyMode mode;
        switch (recursive) {
            case "writable":
                if (!readOnly) {
                    throw fail.because("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
                }
                mode = ReadOnlyMode.NON_RECURSIVE;
                break;
            case "readonly":
                if (!readOnly) {
                    throw fail.because("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
                }
                if (propagationName == null || propagation != Propagation.RPRIVATE) {
                    throw fail.because("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
                }
                mode = ReadOnlyMode.RECURSIVE;
                break;
            default:
                mode = readOnly ? ReadOnlyMode.RECURSIVE_IF_POSSIBLE : ReadOnlyMode.WRITABLE;
        }
        return MountRequest.bind(hostPath(source, cwd, fail), destination, mode, !"disabled".equals(recursive),
                propagation, List.of());
    }

    /** key=value fields; keys are case-insensitive, a bare key is "key" with no value. */
    private static Map<String, String> fields(String spec, Fail fail) {
        if (spec.isEmpty()) {
            throw fail.because("empty value");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : spec.split(",", -1)) {
            if (field.isEmpty()) {
                throw fail.because("empty field");
            }
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : field.substring(eq + 1);
            if (fields.containsKey(key)) {
                throw fail.because("'" + key + "' given twice");
            }
            fields.put(key, value);
        }
        return fields;
    }

    private static void checkKnown(String key, String type, Fail fail) {
        switch (key) {
            case "type":
            case "source":
            case "src":
            case "target":
            case "destination":
            case "dst":
            case "readonly":
            case "ro":
                return;
            case "bind-propagation":
            case "bind-recursive":
            case "bind-nonrecursive":
            case "tmpfs-size":
            case "tmpfs-mode":
                String family = key.substring(0, key.indexOf('-'));
                if (!family.equals(type)) {
                    throw fail.because("cannot mix '" + family + "-*' options with mount type '" + type + "'");
                }
                return;
            default:
                if (key.startsWith("volume-")) {
                    throw fail.because("option '" + key + "': type=volume is not supported yet");
                }
                throw fail.because("unknown option '" + key + "'");
        }
    }

    private static String bindRecursive(Map<String, String> fields, Fail fail) {
        String recursive = fields.get("bind-recursive");
        if (fields.containsKey("bind-nonrecursive")) {
            if (recursive != null) {
                throw fail.because("give bind-recursive or bind-nonrecursive, not both");
            }
            return bool(fields, fail, "bind-nonrecursive") ? "disabled" : "enabled";
        }
        if (recursive == null) {
            return "enabled";
        }
        switch (recursive) {
            case "enabled":
            case "disabled":
            case "writable":
            case "readonly":
                return recursive;
            default:
                throw fail.because("unknown bind-recursive=" + recursive + " (expected enabled, disabled, writable or readonly)");
        }
    }

    private static String first(Map<String, String> fields, Fail fail, String... keys) {
        String found = null;
        for (String key : keys) {
            if (fields.containsKey(key)) {
                if (found != null) {
                    throw fail.because("give only one of " + String.join(", ", keys));
                }
                found = fields.get(key) == null ? "" : fields.get(key);
            }
        }
        return found;
    }

    /** A bare key is true; otherwise true/false/1/0, as Docker's strconv.ParseBool takes them. */
    private static boolean bool(Map<String, String> fields, Fail fail, String... keys) {
        for (String key : keys) {
            if (fields.containsKey(key)) {
                String value = fields.get(key);
                if (value == null || value.equals("true") || value.equals("1")) {
                    return true;
                }
                if (value.equals("false") || value.equals("0")) {
                    return false;
                }
                throw fail.because("invalid value for " + key + ": " + value + " (expected true or false)");
            }
        }
        return false;
    }

    /** "64m", "1g", "512k", "1048576": binary multiples, as docker's tmpfs-size. */
    private static long bytes(String size, Fail fail) {
        Matcher m = SIZE.matcher(size.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw fail.because("invalid tmpfs-size=" + size + " (expected bytes, or a number with k, m, g or t)");
        }
        int shift = "kmgt".indexOf(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0));
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw fail.because("tmpfs-size=" + size + " is too large");
        }
        int bits = (shift + 1) * 10;
        if (bits > 0 && value > (Long.MAX_VALUE >> bits)) {
            throw fail.because("tmpfs-size=" + size + " is too large");
        }
        return value << bits;
    }

    private static int octal(String mode, Fail fail) {
        if (!OCTAL.matcher(mode).matches()) {
            throw fail.because("invalid tmpfs-mode=" + mode + " (expected octal, e.g. 1777)");
        }
        return Integer.parseInt(mode, 8);
    }

    private static String hostPath(String source, Path cwd, Fail fail) {
        if (source.isEmpty()) {
            throw fail.because("empty source");
        }
        if (source.startsWith("/")) {
            return source;
        }
        if (source.equals(".") || source.startsWith("./") || source.equals("..") || source.startsWith("../")) {
            return cwd.resolve(source).normalize().toString();
        }
        throw fail.because("source \"" + source + "\" is not a host path (start it with / or ./); named volumes are not supported yet");
    }

    private static String containerPath(String destination, Fail fail) {
        if (destination.isEmpty()) {
            throw fail.because("empty destination");
        }
        if (!destination.startsWith("/")) {
            throw fail.because("destination \"" + destination + "\" is not an absolute path");
        }
        if (Path.of(destination).normalize().toString().equals("/")) {
            throw fail.because("destination can't be '/'");
        }
        return destination;
    }

    /** Builds the one-line error for the value being parsed. */
    private interface Fail {
        InvalidMountOptionException because(String problem);
    }

    /** An option that may be set once: the value and the option that set it. */
    private static final class Choice<T> {
        T value;
        String name;

        void set(String option, T v, Fail fail) {
            if (name != null) {
                throw fail.because(name.equals(option) ? "option " + option + " given twice"
                        : "conflicting options " + name + " and " + option);
            }
            value = v;
            name = option;
        }

        T or(T fallback) {
            return name == null ? fallback : value;
        }
    }
}
