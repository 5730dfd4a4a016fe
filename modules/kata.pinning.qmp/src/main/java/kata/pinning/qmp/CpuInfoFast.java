package kata.pinning.qmp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One vCPU as {@code query-cpus-fast} reports it. Unknown keys in QEMU's reply are ignored, as the
 * QMP specification asks of clients.
 *
 * @param cpuIndex the vCPU's index, from {@code cpu-index}; vCPU i of the pinning rule
 * @param threadId the host thread (Linux tid) that runs this vCPU, from {@code thread-id}; a task
 *                 of the QEMU process, under {@code /proc/<qemu pid>/task/<tid>}
 * @param qomPath  the vCPU's path in QEMU's object model, from {@code qom-path}
 * @param target   the guest architecture, such as {@code x86_64}
 * @param props    the vCPU's place in the topology; {@link CpuProps#NONE} if QEMU sent none
 * @since 0.1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CpuInfoFast(
        @JsonProperty(value = "cpu-index", required = true) int cpuIndex,
        @JsonProperty(value = "thread-id", required = true) int threadId,
        @JsonProperty(value = "qom-path", required = true) String qomPath,
        @JsonProperty(value = "target", required = true) String target,
        @JsonProperty("props") CpuProps props) {

    /**
     * Checks the components and replaces missing {@code props} by {@link CpuProps#NONE}.
     *
     * @throws NullPointerException if {@code qomPath} or {@code target} is {@code null}
     */
    public CpuInfoFast {
        Objects.requireNonNull(qomPath, "qomPath");
        Objects.requireNonNull(target, "target");
        props = Objects.requireNonNullElse(props, CpuProps.NONE);
    }
}
