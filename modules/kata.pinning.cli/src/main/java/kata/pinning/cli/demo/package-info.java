/**
 * What {@code kata-pinning demo} runs on: the lifecycle itself ({@link kata.pinning.cli.demo.Demo}),
 * a real QEMU it starts and stops ({@link kata.pinning.cli.demo.QemuProcess}), and the embedded VMM,
 * a QMP server whose vCPUs are parked threads of this JVM ({@link kata.pinning.cli.demo.EmbeddedVmm}).
 */
package kata.pinning.cli.demo;
