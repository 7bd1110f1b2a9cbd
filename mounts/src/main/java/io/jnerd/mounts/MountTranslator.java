package io.jnerd.mounts;

import io.jnerd.nativebindings.MountApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@link MountRequest}s into OCI spec mounts for one runtime. A recursively
 * read-only bind is made one of three ways, decided once per runtime and kernel and
 * reported per mount in {@link MountPlan#decisions()}:
 * <ol>
 * <li>the runtime does it: options {@code rbind, rprivate, ro, rro} (runc >= 1.1, crun >= 1.4);
 * <li>jnerd does it: options {@code rbind, rprivate, ro} plus a {@code createContainer}
 *     hook running {@link RroHelper} {@code oci-hook}, which the runtime starts in the
 *     container's mount namespace after making the mounts and before pivot_root;
 * <li>nobody can (Linux < 5.12 has no mount_setattr): {@code ro} with a warning, or an
 *     error for {@code rro} / {@code bind-recursive=readonly}.
 * </ol>
 */
public final class MountTranslator {

    private static final System.Logger LOG = System.getLogger(MountTranslator.class.getName());
    /** tmpfs defaults, as Docker's: nothing on a scratch tmpfs needs set-id bits, devices or exec. */
    private static final List<String> TMPFS_OPTIONS = List.of("nosuid", "nodev", "noexec");

    private static final class Kernel {
        static final boolean HAS_MOUNT_SETATTR = MountApi.hasMountSetattr();
    }

    /** Who makes a recursively read-only bind, decided once per translator. */
    private enum Way { RUNTIME, JNERD_HOOK, NOBODY }

    /** The recursive attributes a read-only request asks for. */
    private static final Set<RecursiveAttribute> READ_ONLY = Collections.unmodifiableSet(
            EnumSet.of(RecursiveAttribute.RDONLY));

    private final HelperCommand helper;
    private final Way way;
    private final String why;

    MountTranslator(RuntimeCapabilities runtime, boolean kernelHasMountSetattr, HelperCommand helper) {
        this.helper = helper;
        if (!kernelHasMountSetattr) {
            this.way = Way.NOBODY;
            this.why = "this kernel (Linux " + System.getProperty("os.version")
                    + ") has no mount_setattr: recursive read-only requires Linux >= 5.12";
        } else if (runtime.supportsAll(READ_ONLY)) {
            this.way = Way.RUNTIME;
            this.why = "rro made by the runtime (" + runtime + ")";
        } else {
            this.way = Way.JNERD_HOOK;
            this.why = "rro made by jnerd's createContainer hook (" + runtime + ")";
        }
    }

    /**
     * A translator for {@code runtime} (name or path) on this kernel; {@code helper} starts
     * jnerd's own rro helper when the runtime lacks rro ({@link HelperCommand#thisJvm()}).
     */
    public static MountTranslator forRuntime(String runtime, HelperCommand helper) {
        return new MountTranslator(RuntimeCapabilities.of(runtime), Kernel.HAS_MOUNT_SETATTR, helper);
    }

    /** How recursive read-only mounts are made with this runtime and kernel, for {@code jnerd info}. */
    public String rroSupport() {
        return way == Way.NOBODY ? "unavailable: " + why : why;
    }

    /**
     * Throws when a bind's source does not exist (Docker's -v would create it; jnerd does
     * not create host directories) or a mount must be recursively read-only and cannot be.
     */
    public MountPlan translate(List<MountRequest> requests) throws MountException {
        List<SpecMount> mounts = new ArrayList<>();
        List<String> hookDestinations = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> decisions = new ArrayList<>();
        for (MountRequest r : requests) {
            warnings.addAll(r.notes());
            if (MountRequest.TMPFS.equals(r.type())) {
                mounts.add(tmpfs(r));
                continue;
            }
            String where = r.source() + ":" + r.destination();
            if (!Files.exists(Path.of(r.source()))) {
                throw new MountException(where + ": bind source path does not exist");
            }
            List<String> options = new ArrayList<>(List.of(r.recursiveBind() ? "rbind" : "bind", r.propagation().option()));
            if (r.readOnly() != ReadOnlyMode.WRITABLE) {
                options.add("ro");
            }
            boolean recursive = r.readOnly() == ReadOnlyMode.RECURSIVE || r.readOnly() == ReadOnlyMode.RECURSIVE_IF_POSSIBLE;
            if (recursive) {
                switch (way) {
                    case RUNTIME:
                        READ_ONLY.forEach(a -> options.add(a.ociOption()));
                        break;
                    case JNERD_HOOK:
                        hookDestinations.add(r.destination());
                        break;
                    default:
                        if (r.readOnly() == ReadOnlyMode.RECURSIVE) {
                            throw new MountException(where + ": " + why);
                        }
                        warnings.add(where + ": read-only is not recursive, submounts stay writable: " + why);
                }
                decisions.add(where + ": " + (way == Way.NOBODY ? "plain ro (" + why + ")" : why));
            }
            mounts.add(new SpecMount(r.destination(), "bind", r.source(), options));
        }
        List<OciHook> hooks = hookDestinations.isEmpty() ? List.of() : List.of(helper.ociHook(READ_ONLY, hookDestinations));
        decisions.forEach(d -> LOG.log(System.Logger.Level.DEBUG, d));
        return new MountPlan(mounts, hooks, warnings, decisions);
    }

    private static SpecMount tmpfs(MountRequest r) {
        List<String> options = new ArrayList<>(TMPFS_OPTIONS);
        if (r.readOnly() != ReadOnlyMode.WRITABLE) {
            options.add("ro");
        }
        if (r.tmpfsSize() != null) {
            options.add("size=" + r.tmpfsSize());
        }
        if (r.tmpfsMode() != null) {
            options.add("mode=" + Integer.toOctalString(r.tmpfsMode()));
        }
        return new SpecMount(r.destination(), "tmpfs", "tmpfs", options);
    }
}
