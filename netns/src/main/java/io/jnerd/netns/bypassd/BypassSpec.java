package io.jnerd.netns.bypassd;

import java.util.List;

/**
 * bypass4netnsd's BypassSpec (DESIGN.md, "Compatibility contracts"), field names as on the
 * wire. Absent fields are null; {@link BypassSpecs#validate} checks them.
 */
public record BypassSpec(String id, String socketPath, String pidFilePath, String logFilePath,
        List<PortSpec> portMapping, List<String> ignoreSubnets, Boolean ignoreBind) {}
