package kata.pinning.benchmarks;

import java.util.Collection;

/**
 * Median, minimum and maximum of some samples, in nanoseconds per operation.
 *
 * @param median the median sample (the mean of the two middle ones for an even count)
 * @param min the smallest sample
 * @param max the largest sample
 * @param samples how many samples there were
 */
record Stats(double median, double min, double max, int samples) {

    static Stats of(Collection<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stats(median, sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    /** {@return these samples' statistics plus {@code times} times the other's, term by term} */
    Stats plus(Stats other, int times) {
        return new Stats(median + times * other.median, min + times * other.min, max + times * other.max,
                Math.min(samples, other.samples));
    }
}
