package dev.dayzero.bench.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code run} that {@code conform} does not take: several backends, and how to time. */
final class RunOnlyOptions {

    @Option(names = "--backends", split = ",", paramLabel = "ID",
            description = "Backends to run on (see `dayzero backends`). Default: every available backend.")
    List<String> backends;

    @Option(names = "--min-time", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Least sampling time per case; sampling stops at 0.5%% RSD after it, or at 10x it. "
                    + "Default: ${DEFAULT-VALUE}.", defaultValue = "100ms")
    Duration minTime;

    @Option(names = "--cold-cache",
            description = "Flush the device cache before each sample, outside the timed window. Default: warm cache.")
    boolean coldCache;

    /** Copies these into {@code options}. */
    void applyTo(RunOptions options) {
        options.backends = backends;
        options.minTime = minTime;
        options.coldCache = coldCache;
    }
}
