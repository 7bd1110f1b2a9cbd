package io.jnerd.mounts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How to start {@link RroHelper}: a java binary and a class path holding jnerd's jars.
 * The cli uses {@link #thisJvm()} (its own java and jar).
 */
public record HelperCommand(String java, String classpath) {

    /** runc and crun kill a hook that outlives its timeout; a JVM starts in well under a second. */
    static final int HOOK_TIMEOUT_SECONDS = 30;

    /** The java and class path of the running JVM. */
    public static HelperCommand thisJvm() {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java binary"));
        return new HelperCommand(java, System.getProperty("java.class.path"));
    }

    /**
     * The command line that runs the helper with {@code helperArgs}. A short-lived helper:
     * C1 only and the serial collector keep its start-up short, and a small heap keeps it
     * inside the memory limit of the container whose cgroup a hook runs in.
     */
    public List<String> argv(List<String> helperArgs) {
        List<String> argv = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m",
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, RroHelper.class.getName()));
        argv.addAll(helperArgs);
        return argv;
    }

    /** The createContainer hook that sets {@code attributes} on the mounts at {@code destinations}. */
    public OciHook ociHook(Set<RecursiveAttribute> attributes, List<String> destinations) {
        List<String> helperArgs = new ArrayList<>(List.of("oci-hook", "--attrs",
                attributes.stream().map(RecursiveAttribute::helperName).collect(Collectors.joining(","))));
        helperArgs.addAll(destinations);
        return new OciHook(java, argv(helperArgs), HOOK_TIMEOUT_SECONDS);
    }
}
