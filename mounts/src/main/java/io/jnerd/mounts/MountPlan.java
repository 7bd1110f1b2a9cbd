package io.jnerd.mounts;

import java.util.List;

/**
 * What the cli puts into the OCI spec for the requested mounts, and what it tells the user.
 *
 * @param mounts                 spec {@code mounts} entries, in request order
 * @param createContainerHooks   spec {@code hooks.createContainer} entries to add (jnerd's own rro), maybe none
 * @param warnings               printed always (a read-only mount that could not be made recursive, ignored options)
 * @param decisions              printed with {@code --debug}: which way each recursive mount is made, and why
 */
public record MountPlan(List<SpecMount> mounts, List<OciHook> createContainerHooks, List<String> warnings,
        List<String> decisions) {

    /** No -v and no --mount. */
    public static final MountPlan EMPTY = new MountPlan(List.of(), List.of(), List.of(), List.of());

    public MountPlan {
        mounts = List.copyOf(mounts);
        createContainerHooks = List.copyOf(createContainerHooks);
        warnings = List.copyOf(warnings);
        decisions = List.copyOf(decisions);
    }
}
