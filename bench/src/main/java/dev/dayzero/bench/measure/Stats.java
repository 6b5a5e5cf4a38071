package dev.dayzero.bench.measure;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Summary statistics of a case's samples, in milliseconds, computed with Commons Math.
 *
 * @param count    samples
 * @param min      smallest sample
 * @param max      largest sample
 * @param mean     arithmetic mean
 * @param median   50th percentile
 * @param p10      10th percentile
 * @param p90      90th percentile
 * @param stddev   sample standard deviation (n − 1); 0 for one sample
 * @param cv       coefficient of variation, {@code stddev / mean}; 0 when the mean is 0
 * @param ci95Low  lower end of the 95 % confidence interval of the mean (Student's t, n − 1 degrees of freedom)
 * @param ci95High upper end of that interval; both equal the mean for one sample
 */
public record Stats(int count, double min, double max, double mean, double median, double p10, double p90,
                    double stddev, double cv, double ci95Low, double ci95High) {

    /** Statistics of the first {@code n} values of {@code samples}. */
    public static Stats of(double[] samples, int n) {
        if (n < 1 || n > samples.length) {
            throw new IllegalArgumentException("need 1.." + samples.length + " samples, got " + n);
        }
        DescriptiveStatistics d = new DescriptiveStatistics(n);
        for (int i = 0; i < n; i++) {
            d.addValue(samples[i]);
        }
        double mean = d.getMean();
        double sd = n > 1 ? d.getStandardDeviation() : 0;
        double half = 0;
        if (n > 1) {
            double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
            half = t * sd / Math.sqrt(n);
        }
        return new Stats(n, d.getMin(), d.getMax(), mean, d.getPercentile(50), d.getPercentile(10),
                d.getPercentile(90), sd, mean == 0 ? 0 : sd / mean, mean - half, mean + half);
    }

    /** Statistics of all of {@code samples}. */
    public static Stats of(double... samples) {
        return of(samples, samples.length);
    }
}
