package io.jnerd.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.http.HttpRequest;
import io.jnerd.http.HttpResponse;
import io.jnerd.http.Router;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code /_ping}, {@code /version} and {@code /info}, with the fields the docker CLI and
 * docker-java read (moby's api/types/system and types.Version).
 */
public final class SystemRoutes {

    /**
     * /version's top-level Version: the moby release that brought API {@link ApiVersion#MAX}.
     * Clients compare it with docker's releases (Testcontainers 2.x refuses an engine below
     * 1.6.0, which jnerd's own 0.x would be); jnerd's version stays in Platform and Components,
     * what {@code docker version} prints.
     */
    static final String ENGINE_RELEASE = "25.0.0";

    private final String version;
    private final HostFacts host;
    private final Supplier<EngineSummary> engine;
    private final String id = UUID.randomUUID().toString();

    public SystemRoutes(String version, HostFacts host, Supplier<EngineSummary> engine) {
        this.version = version;
        this.host = host;
        this.engine = engine;
    }

    public void register(Router router) {
        router.add("GET", "/_ping", this::ping)
                .add("HEAD", "/_ping", this::ping)
                .add("GET", "/version", (r, p) -> Responses.json(200, version()))
                .add("GET", "/info", (r, p) -> Responses.json(200, info()));
    }

    /** moby: no-cache headers, {@code Swarm: inactive}; HEAD has an empty text body, GET says OK. */
    private HttpResponse ping(HttpRequest request, Map<String, String> params) {
        HttpResponse r = HttpResponse.text(200, request.method().equals("HEAD") ? "" : "OK");
        return r.withHeader("Cache-Control", "no-cache, no-store, must-revalidate")
                .withHeader("Pragma", "no-cache")
                .withHeader("Swarm", "inactive");
    }

    ObjectNode version() {
        ObjectNode v = Responses.mapper().createObjectNode();
        v.putObject("Platform").put("Name", "jnerd " + version);
        ObjectNode engineComponent = v.putArray("Components").addObject();
        engineComponent.put("Name", "Engine").put("Version", version);
        engineComponent.putObject("Details").put("ApiVersion", ApiVersion.MAX).put("MinAPIVersion", ApiVersion.MIN)
                .put("Os", "linux").put("Arch", host.architecture()).put("KernelVersion", host.kernelVersion())
                .put("Experimental", "false").put("GoVersion", "java " + System.getProperty("java.version"))
                .put("GitCommit", "").put("BuildTime", "");
        v.put("Version", ENGINE_RELEASE).put("ApiVersion", ApiVersion.MAX).put("MinAPIVersion", ApiVersion.MIN)
                .put("GitCommit", "").put("GoVersion", "java " + System.getProperty("java.version"))
                .put("Os", "linux").put("Arch", host.architecture()).put("KernelVersion", host.kernelVersion())
                .put("BuildTime", "");
        return v;
    }

    ObjectNode info() {
        EngineSummary e = engine.get();
        ObjectNode i = Responses.mapper().createObjectNode();
        i.put("ID", id).put("Containers", e.containers()).put("ContainersRunning", e.running())
                .put("ContainersPaused", e.paused()).put("ContainersStopped", e.stopped()).put("Images", e.images())
                .put("Driver", e.driver());
        i.putArray("DriverStatus");
        ObjectNode plugins = i.putObject("Plugins");
        plugins.putArray("Volume").add("local");
        plugins.putArray("Network").add("bridge").add("host").add("none");
        plugins.putNull("Authorization");
        plugins.putArray("Log").add("json-file");
        i.put("MemoryLimit", false).put("SwapLimit", false).put("CpuCfsPeriod", false).put("CpuCfsQuota", false)
                .put("CPUShares", false).put("CPUSet", false).put("PidsLimit", false).put("IPv4Forwarding", true)
                .put("Debug", false).put("NFd", 0).put("OomKillDisable", false).put("NGoroutines", 0)
                .put("SystemTime", OffsetDateTime.now().toString()).put("LoggingDriver", "json-file")
                .put("CgroupDriver", "none").put("CgroupVersion", "").put("NEventsListener", 0)
                .put("KernelVersion", host.kernelVersion()).put("OperatingSystem", host.operatingSystem())
                .put("OSVersion", host.osVersion()).put("OSType", "linux").put("Architecture", host.architecture())
                .put("IndexServerAddress", "https://index.docker.io/v1/");
        ObjectNode registry = i.putObject("RegistryConfig");
        registry.putArray("InsecureRegistryCIDRs");
        registry.putObject("IndexConfigs");
        registry.putArray("Mirrors");
        i.put("NCPU", host.cpus()).put("MemTotal", host.memTotal()).putNull("GenericResources");
        i.put("DockerRootDir", e.rootDir()).put("HttpProxy", "").put("HttpsProxy", "").put("NoProxy", "")
                .put("Name", host.hostname());
        i.putArray("Labels");
        i.put("ExperimentalBuild", false).put("ServerVersion", version);
        i.putObject("Runtimes").putObject("runc").put("path", "runc");
        i.put("DefaultRuntime", "runc");
        i.putObject("Swarm").put("NodeID", "").put("NodeAddr", "").put("LocalNodeState", "inactive")
                .put("ControlAvailable", false).put("Error", "").putNull("RemoteManagers");
        i.put("LiveRestoreEnabled", false).put("Isolation", "").put("InitBinary", "");
        i.putObject("ContainerdCommit").put("ID", "").put("Expected", "");
        i.putObject("RuncCommit").put("ID", "").put("Expected", "");
        i.putObject("InitCommit").put("ID", "").put("Expected", "");
        ArrayNode security = i.putArray("SecurityOptions").add("name=seccomp,profile=builtin");
        if (e.rootless()) {
            security.add("name=rootless");
        }
        i.putNull("Warnings");
        return i;
    }
}
