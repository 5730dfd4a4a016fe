package kata.pinning.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the C peer, {@code src/main/c/affinity_peer.c} compiled by {@code run.sh}, several times. */
final class CPeer {

    private final Path executable;

    CPeer(Path executable) {
        this.executable = executable;
    }

    /**
     * Runs {@code affinity_peer OP CALLS} {@code runs} times, one process after the other.
     *
     * @param op {@code set} or {@code get}
     * @return one ns/op sample per run
     * @throws IOException if the peer cannot be started, fails, or prints no number
     */
    List<Double> measure(String op, long calls, int runs) throws IOException, InterruptedException {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Process process = new ProcessBuilder(executable.toString(), op, Long.toString(calls))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            int status = process.waitFor();
            if (status != 0) {
                throw new IOException(executable + " " + op + " exited with status " + status);
            }
            try {
                samples.add(Double.parseDouble(out));
            } catch (NumberFormatException e) {
                throw new IOException(executable + " " + op + " printed " + out + ", not ns/op", e);
            }
        }
        return samples;
    }
}
