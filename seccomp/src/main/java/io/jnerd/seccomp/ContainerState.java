package io.jnerd.seccomp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What runc and crun send to a seccomp agent with the listener fd (runc's
 * ContainerProcessState): the names of the fds that came with the message ({@code
 * ["seccompFd"]}), the container process, the profile's listenerMetadata and the OCI state.
 * Unknown fields are ignored: runtimes add to it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerState(String ociVersion, List<String> fds, int pid, String metadata, State state) {

    /** The name runc and crun give the listener fd in {@link #fds()}. */
    public static final String SECCOMP_FD_NAME = "seccompFd";

    public ContainerState {
        fds = fds == null ? List.of() : List.copyOf(fds);
    }

    /** The OCI runtime state of the container. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(String ociVersion, String id, String status, int pid, String bundle,
            Map<String, String> annotations) {

        public State {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    /** The container id, or "pid N" when the runtime sent no state. */
    public String containerId() {
        return state != null && state.id() != null ? state.id() : "pid " + pid;
    }
}
