package dev.dayzero.microbench;

import dev.dayzero.bench.chips.ChipSpec;
import dev.dayzero.bench.chips.MeasuredRoofs;
import dev.dayzero.bench.chips.Roofline;
import dev.dayzero.bench.measure.Stats;
import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.OpSpec;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The CPU backend's decode targets as ratios to roofs measured in the same minutes. A shared machine's memory
 * bandwidth moves by a factor of two within an hour, so a kernel's figure and a roof measured at another time make a
 * ratio that says little; this runs rounds of {@code dayzero calibrate}'s own measurement ({@link Calibration}) followed
 * at once by each target for a few seconds, and gives each target's percent of its attainable roofline by the
 * report's arithmetic ({@link Roofline#attainable}, the measured roofs laid over an empty chip entry as the report
 * does), per round and as the median, lowest and highest over the rounds. It also gives the bytes each launch
 * allocated (all threads): about 1 KB when the kernels compiled whole, megabytes when the JIT boxed vectors.
 *
 * <p>The targets are the MoE GEMM at DeepSeek-V3's gate-up shape (8 experts, N 4096, K 7168) with FP8 and INT8
 * weights at 1 and 8 rows per expert, and the FP8 quantizer of a 4096 × 7168 BF16 input (1 × 128 groups and per
 * token): the JMH benchmarks' shapes and inputs ({@link CpuMoeGemmBenchmark}, {@link CpuQuantizeBenchmark}). Never part
 * of the build's tests.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx8g -cp microbench/target/benchmarks.jar dev.dayzero.microbench.RoofRatio \
 *     [--rounds 5] [--seconds 2] [--effort 1]
 * </pre>
 */
@Command(name = "RoofRatio", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The CPU backend's decode targets as percents of roofs measured seconds before each.")
public final class RoofRatio implements Callable<Integer> {
    @Option(names = "--rounds", description = "Rounds of calibration then every target (default: ${DEFAULT-VALUE}).")
    int rounds = 5;

    @Option(names = "--seconds", description = "Seconds each target runs in a round (default: ${DEFAULT-VALUE}).")
    double seconds = 2;

    @Option(names = "--effort", description = "The calibration's effort, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double effort = 1;

    /** One target: a named launch and the spec whose FLOP and bytes it is judged by. */
    record Target(String name, OpSpec spec, CpuLaunch launch, boolean gbps) implements AutoCloseable {
        @Override
        public void close() {
            launch.close();
        }
    }

    /** One target's figure in one round. */
    record Sample(String target, double figure, String unit, double percent, double roofTflops, String boundBy,
                  double bytesPerLaunch) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RoofRatio()).execute(args));
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (rounds < 1 || !(seconds > 0) || !(effort > 0 && effort <= 1)) { // before minutes of setting up the targets
            throw new ParameterException(spec.commandLine(), "need --rounds ≥ 1, --seconds > 0 and --effort in (0, 1]");
        }
        List<Target> targets = new ArrayList<>();
        try {
            for (String type : new String[] {"FP8_BLOCK", "INT8_W8A8"}) {
                for (int rows : new int[] {1, 8}) {
                    var spec = CpuMoeGemmBenchmark.spec(type, 8, rows, 4096, 7168);
                    targets.add(new Target("moe " + type + " b" + rows, spec, CpuMoeGemmBenchmark.open(spec, true),
                            false));
                }
            }
            for (String g : new String[] {"group128", "token"}) {
                var spec = CpuQuantizeBenchmark.spec(g, 4096, 7168);
                targets.add(new Target("quantize " + g, spec, CpuQuantizeBenchmark.open(spec, true), true));
            }
            run(targets, rounds, seconds, effort, System.out);
        } finally {
            targets.forEach(Target::close);
        }
        return 0;
    }

    /**
     * Warms each target up for {@code seconds}, then runs {@code rounds} rounds of (calibration at {@code effort} on
     * the first target's device, each target for {@code seconds}), printing each round and a summary to {@code out}.
     * Returns the samples, round by round.
     */
    static List<List<Sample>> run(List<Target> targets, int rounds, double seconds, double effort, PrintStream out) {
        if (targets.isEmpty() || rounds < 1 || !(seconds > 0)) {
            throw new IllegalArgumentException("need targets, at least one round and a positive time");
        }
        Device device = targets.get(0).launch().device();
        Calibration calibration = device.calibration()
                .orElseThrow(() -> new IllegalStateException(device.info().name() + " has no calibration"));
        out.printf(Locale.ROOT, "warming up %d targets, %.1f s each%n", targets.size(), seconds);
        for (Target t : targets) {
            time(t, seconds);
        }
        List<List<Sample>> all = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Calibration.Roofs roofs = calibration.measure(effort);
            CalibrationEntry entry = CalibrationEntry.of("this host", device.info(), Instant.now().toString(), roofs);
            ChipSpec chip = MeasuredRoofs.apply(Optional.empty(), Optional.of(entry)).orElseThrow();
            out.printf(Locale.ROOT, "round %d of %d: bandwidth %.1f GB/s, f32 peak %.3f TFLOP/s%n", r, rounds,
                    roofs.bandwidth().map(Calibration.Figure::value).orElse(Double.NaN),
                    roofs.peaks().get("f32").value());
            List<Sample> samples = new ArrayList<>();
            for (Target t : targets) {
                Sample s = sample(t, chip, seconds);
                samples.add(s);
                out.printf(Locale.ROOT, "  %-20s %8.1f %-7s %5.1f %% of %.3f TFLOP/s (%s-bound), %s a launch%n",
                        s.target(), s.figure(), s.unit(), s.percent(), s.roofTflops(), s.boundBy(),
                        bytes(s.bytesPerLaunch()));
            }
            all.add(samples);
        }
        out.println("percent of the attainable roofline over " + rounds + " round(s): median (lowest-highest), rounds at"
                + " or above 50 %");
        for (int i = 0; i < targets.size(); i++) {
            final int at = i;
            double[] p = all.stream().mapToDouble(round -> round.get(at).percent()).toArray();
            Stats st = Stats.of(p);
            long met = Arrays.stream(p).filter(v -> v >= 50).count();
            out.printf(Locale.ROOT, "  %-20s %5.1f %% (%.1f-%.1f), %d of %d%n", targets.get(i).name(), st.median(),
                    st.min(), st.max(), met, p.length);
        }
        return all;
    }

    /** One target for {@code seconds} against {@code chip}'s roofs. */
    static Sample sample(Target t, ChipSpec chip, double seconds) {
        Map<Long, Long> before = allocatedBytes();
        double[] timed = time(t, seconds);
        double launches = timed[0];
        double perSecond = launches / timed[1];
        double bytesPerLaunch = allocatedSince(before) / launches;
        OpSpec spec = t.spec();
        Roofline.Roof roof = Roofline.attainable(chip, Roofline.precisionOf(spec), (double) spec.flops() / spec.bytes());
        double percent = Roofline.percentOfRoofline(spec.flops() * perSecond / 1e12, roof);
        double figure = (t.gbps() ? spec.bytes() : spec.flops()) * perSecond / 1e9;
        return new Sample(t.name(), figure, t.gbps() ? "GB/s" : "GFLOP/s", percent, roof.tflops(), roof.boundBy(),
                bytesPerLaunch);
    }

    /** Launches of {@code t} back to back for at least {@code seconds}: {launches, seconds taken}. */
    private static double[] time(Target t, double seconds) {
        long budget = (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        long n = 0;
        long elapsed;
        do {
            t.launch().run();
            n++;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < budget);
        return new double[] {n, elapsed / 1e9};
    }

    /** Bytes allocated so far by each live thread (the device's workers included), by thread id; empty where the JVM cannot say. */
    static Map<Long, Long> allocatedBytes() {
        Map<Long, Long> bytes = new HashMap<>();
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
            long[] ids = mx.getAllThreadIds();
            long[] allocated = mx.getThreadAllocatedBytes(ids);
            for (int i = 0; i < ids.length; i++) {
                if (allocated[i] >= 0) { // -1: the thread ended between the two calls
                    bytes.put(ids[i], allocated[i]);
                }
            }
        }
        return bytes;
    }

    /** Bytes the threads alive at both points allocated since {@code before}; NaN where the JVM cannot say. */
    static double allocatedSince(Map<Long, Long> before) {
        Map<Long, Long> after = allocatedBytes();
        if (before.isEmpty() || after.isEmpty()) {
            return Double.NaN;
        }
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            Long b = before.get(e.getKey());
            if (b != null) {
                sum += e.getValue() - b;
            }
        }
        return sum;
    }

    private static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "n/a";
        }
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", b / (1 << 20))
                : String.format(Locale.ROOT, "%.1f KB", b / 1024);
    }
}
