/**
 * Implementation of {@code kata.pinning.launcher}, not exported: the order of attempts, QEMU's
 * command line, the QMP readiness check, picking QEMU's message out of its output, and stopping a
 * process by its pid.
 */
package kata.pinning.launcher.internal;
