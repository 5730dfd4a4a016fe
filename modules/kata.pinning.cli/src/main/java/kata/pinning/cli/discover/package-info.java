/**
 * What {@code kata-pinning discover} reads: which processes under the proc root are VMMs of Kata
 * sandboxes, told by their command lines ({@link kata.pinning.cli.discover.SandboxCommandLine}, a
 * pure decision) and counted from their kvm-vcpu fds, their vCPU threads' names or QEMU's -smp
 * ({@link kata.pinning.cli.discover.VmmProcesses}).
 * Nothing here connects to a VMM or changes anything.
 */
package kata.pinning.cli.discover;
