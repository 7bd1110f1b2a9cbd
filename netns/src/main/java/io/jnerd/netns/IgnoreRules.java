package io.jnerd.netns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The subnets whose traffic the socket switcher leaves inside the container, as given by
 * {@code --bypass-ignore} or bypass4netnsd's {@code ignoreSubnets}: CIDRs, and {@code "auto"}
 * for the subnets of the container's own interfaces ({@link InterfaceSubnets}), which are only
 * known once its network namespace exists.
 */
public final class IgnoreRules {

    /** The value that stands for the container's own subnets. */
    public static final String AUTO = "auto";

    private final List<Cidr> cidrs;
    private final boolean auto;

    private IgnoreRules(List<Cidr> cidrs, boolean auto) {
        this.cidrs = List.copyOf(cidrs);
        this.auto = auto;
    }

    public static IgnoreRules none() {
        return new IgnoreRules(List.of(), false);
    }

    /** @throws IllegalArgumentException naming the first value that is neither a CIDR nor "auto" */
    public static IgnoreRules parse(Collection<String> values) {
        List<Cidr> cidrs = new ArrayList<>();
        boolean auto = false;
        for (String value : values) {
            if (AUTO.equals(value)) {
                auto = true;
            } else {
                cidrs.add(Cidr.parse(value));
            }
        }
        return new IgnoreRules(cidrs, auto);
    }

    public List<Cidr> cidrs() {
        return cidrs;
    }

    public boolean auto() {
        return auto;
    }

    /** The CIDRs to ignore, with "auto" replaced by {@code ownSubnets} (duplicates dropped). */
    public List<Cidr> resolve(List<Cidr> ownSubnets) {
        Set<Cidr> out = new LinkedHashSet<>(cidrs);
        if (auto) {
            out.addAll(ownSubnets);
        }
        return List.copyOf(out);
    }

    /** The values as given, for bypass4netnsd's {@code ignoreSubnets}. */
    public List<String> toStrings() {
        List<String> out = new ArrayList<>();
        cidrs.forEach(c -> out.add(c.toString()));
        if (auto) {
            out.add(AUTO);
        }
        return out;
    }
}
