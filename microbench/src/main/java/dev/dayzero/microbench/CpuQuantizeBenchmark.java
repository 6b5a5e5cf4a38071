package dev.dayzero.microbench;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.QuantizeSpec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The CPU backend's FP8 quantize of BF16 activations, {@code m × k} (default 4096 × 7168, 58.7 MB in: well beyond
 * the last-level cache), 1×128 groups or per token, F32 scales (or UE8M0: {@code -p scaleType=UE8M0}), all cores.
 *
 * <p>The {@code gbps} counter is the spec's bytes ({@code QuantizeSpec.bytes()}: input read + codes and scales
 * written) per second, to set against the STREAM bandwidth {@code dayzero calibrate} measures (bytes read +
 * written). GB/s = launches/s × {@code spec.bytes()} / 1e9.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar microbench/target/benchmarks.jar CpuQuantize -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class CpuQuantizeBenchmark {

    /** {@code group128} (DeepSeek's 1×128 activation groups) or {@code token} (one scale a row). */
    @Param({"group128", "token"})
    public String granularity;

    /** Whether the backend uses the Vector API kernels ({@code true}) or the plain loops. */
    @Param({"true", "false"})
    public boolean vectorApi;

    /**
     * The scales' type: {@code F32} (DeepSeek-V3), or {@code UE8M0} (powers of two, {@code scale_fmt ue8m0}:
     * DeepSeek-V3.2 and V4); {@code -p scaleType=F32,UE8M0} for both.
     */
    @Param({"F32"})
    public String scaleType;

    @Param({"4096"})
    public int m;

    @Param({"7168"})
    public int k;

    private CpuLaunch cpu;
    private double gbPerLaunch;

    /** GB moved, reported per second: GB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double gbps;

        @Setup(Level.Iteration)
        public void reset() {
            gbps = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        QuantizeSpec spec = spec(granularity, m, k, DType.valueOf(scaleType));
        gbPerLaunch = spec.bytes() / 1e9;
        cpu = open(spec, vectorApi);
    }

    /** The benchmark's spec: BF16 {@code m × k} to E4M3 with F32 scales, {@code group128} or {@code token}. */
    static QuantizeSpec spec(String granularity, int m, int k) {
        return spec(granularity, m, k, DType.F32);
    }

    /** As {@link #spec(String, int, int)} with {@code scaleType} ({@code F32} or {@code UE8M0}) scales. */
    static QuantizeSpec spec(String granularity, int m, int k, DType scaleType) {
        QuantizeSpec.Granularity g = switch (granularity) {
            case "group128" -> QuantizeSpec.perGroup(128);
            case "token" -> QuantizeSpec.perToken();
            default -> throw new IllegalArgumentException("granularity: group128 or token, got " + granularity);
        };
        return new QuantizeSpec(m, k, DType.BF16, DType.F8_E4M3FN, g, scaleType);
    }

    /** A launch of {@code spec} on the CPU device, its input Gaussian (seed 42). */
    static CpuLaunch open(QuantizeSpec spec, boolean vectorApi) {
        SplittableRandom rnd = new SplittableRandom(42);
        ByteBuffer x = CpuLaunch.buffer(spec.operands().get(0).bytes());
        for (long i = 0; i < spec.operands().get(0).elements(); i++) {
            x.putShort(Bf16.encode((float) rnd.nextGaussian()));
        }
        return new CpuLaunch(spec, vectorApi, List.of(x.flip()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public void quantize(Work work, Blackhole bh) {
        work.gbps += gbPerLaunch;
        bh.consume(cpu.run());
    }
}
