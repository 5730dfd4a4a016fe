/**
 * A QEMU Machine Protocol (QMP) client over UNIX domain sockets: {@link kata.pinning.qmp.QmpClient}
 * reads a VM's vCPU threads ({@code query-cpus-fast}), its vCPU slots and run state, runs any other
 * command, and receives events. It is safe for many threads at once, and every call has a deadline.
 */
module kata.pinning.qmp {
    requires transitive tools.jackson.databind; // JsonNode is in our signatures (execute, QmpEvent)

    exports kata.pinning.qmp;

    // Jackson builds the result records (CpuInfoFast, ...) through their canonical constructors.
    opens kata.pinning.qmp to tools.jackson.databind;
}
