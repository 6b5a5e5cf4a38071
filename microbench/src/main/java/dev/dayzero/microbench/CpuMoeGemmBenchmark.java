package dev.dayzero.microbench;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.util.Collections;
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
 * The CPU backend's MoE grouped GEMM, contiguous layout, DeepSeek-V3 gate/up shape: {@code experts}
 * experts of {@code rowsPerExpert} rows, N = 4096, K = 7168, all cores.
 *
 * <p>Throughput mode: the primary score is launches per second; the {@code gflop} counter is the same
 * work in GFLOP per second, i.e. {@code spec.flops() / 1e9} per launch ({@code 2 · rows · N · K}, the
 * formula every backend is judged by). GFLOP/s = launches/s × {@code spec.flops()} / 1e9.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar microbench/target/benchmarks.jar CpuMoeGemm -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class CpuMoeGemmBenchmark {

    @Param({"BF16"})
    public String type;

    /** Whether the backend uses the Vector API kernels ({@code true}) or the plain loops. */
    @Param({"true", "false"})
    public boolean vectorApi;

    @Param({"8"})
    public int experts;

    @Param({"64"})
    public int rowsPerExpert;

    @Param({"4096"})
    public int n;

    @Param({"7168"})
    public int k;

    private CpuLaunch cpu;
    private MoeGemmSpec spec;
    private double gflopPerLaunch;

    /** GFLOP done, reported per second: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        spec = spec(type, experts, rowsPerExpert, n, k);
        gflopPerLaunch = spec.flops() / 1e9;
        cpu = open(spec, vectorApi);
    }

    /** The benchmark's spec: {@code experts} experts of {@code rows} rows, contiguous layout, of MoE type {@code type}. */
    static MoeGemmSpec spec(String type, int experts, int rows, int n, int k) {
        return MoeGemmSpec.contiguous(MoeGemmSpec.Type.valueOf(type), n, k, Collections.nCopies(experts, rows));
    }

    /** A launch of {@code spec} on the CPU device, its inputs filled with the benchmark's random values (seed 42). */
    static CpuLaunch open(MoeGemmSpec spec, boolean vectorApi) {
        SplittableRandom rnd = new SplittableRandom(42);
        return new CpuLaunch(spec, vectorApi, spec.operands().stream().map(t -> fill(spec, t, rnd)).toList());
    }

    private static ByteBuffer fill(MoeGemmSpec spec, TensorSpec t, SplittableRandom rnd) {
        ByteBuffer b = CpuLaunch.buffer(t.bytes());
        if (t.dtype() == DType.F4_E2M1) { // two codes a byte, every nibble a finite value (MXFP4 weights)
            for (long i = 0; i < t.bytes(); i++) {
                b.put((byte) rnd.nextInt(256));
            }
            return b.flip();
        }
        long count = t.elements();
        for (int i = 0; i < count; i++) {
            switch (t.dtype()) {
                case BF16 -> b.putShort(Bf16.encode((float) rnd.nextDouble(-1, 1)));
                case F8_E4M3FN -> b.put(Fp8.encode(DType.F8_E4M3FN, (float) rnd.nextDouble(-448, 448)));
                case I8 -> b.put((byte) rnd.nextInt(-127, 128));
                case F32 -> b.putFloat((float) rnd.nextDouble(1e-3, 1e-2));
                case I32 -> b.putInt(spec.rowsPerExpert().get(i)); // rows_per_expert, the spec's own counts
                case UE8M0 -> b.put((byte) rnd.nextInt(120, 131)); // power-of-two scales 2^-7 .. 2^3 (MXFP4 types)
                default -> throw new IllegalStateException("unexpected operand type " + t);
            }
        }
        return b.flip();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public void moeGemm(Work work, Blackhole bh) {
        work.gflop += gflopPerLaunch;
        bh.consume(cpu.run());
    }
}
