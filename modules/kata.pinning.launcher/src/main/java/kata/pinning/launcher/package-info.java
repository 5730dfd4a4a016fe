/**
 * Starting a paused QEMU that works on the host at hand: {@link kata.pinning.launcher.QemuLauncher}
 * builds the command, tries each {@link kata.pinning.launcher.QemuChoice} in turn and returns a
 * {@link kata.pinning.launcher.RunningQemu} that says what it chose and what it fell back from, or
 * throws a {@link kata.pinning.launcher.QemuStartException} that quotes QEMU for every attempt.
 */
package kata.pinning.launcher;
