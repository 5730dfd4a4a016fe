/**
 * The {@code kata-pinning} command: {@link kata.pinning.cli.KataPinning} holds the global options
 * and the exit-code policy, one class per subcommand does the work, and
 * {@link kata.pinning.cli.LiveSandbox} runs a lifecycle command against a live VMM with the state
 * file. Not exported: picocli and Jackson reach these classes through the module's {@code opens}.
 */
package kata.pinning.cli;
