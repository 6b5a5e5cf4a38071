package dev.dayzero.microbench;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import java.util.Collections;
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
 * The CPU backend's absorbed-MLA decode (DeepSeek-V3: 128 heads, latent 576 / 512, page 64, BF16 cache), one query
 * per sequence, {@code batch} sequences of {@code context} cached tokens, all cores: the shape of {@code dayzero
 * run}'s {@code mla-decode} case and of {@code microbench/peers.py --mla-batch}'s PyTorch peer.
 *
 * <p>The {@code gflops} counter is the spec's FLOP ({@code Σ 2 · heads · (576 + 512) · context}) per second, to set
 * against the FP32 peak {@code dayzero calibrate} measures.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar microbench/target/benchmarks.jar CpuMlaDecode -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class CpuMlaDecodeBenchmark {

    @Param({"1", "8"})
    public int batch;

    @Param({"4096"})
    public int context;

    @Param({"128"})
    public int heads;

    /** Whether the backend uses the Vector API kernels ({@code true}) or the plain loops. */
    @Param({"true"})
    public boolean vectorApi;

    private CpuLaunch cpu;
    private double gflopPerLaunch;

    /** GFLOP done, reported per second: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double gflops;

        @Setup(Level.Iteration)
        public void reset() {
            gflops = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        AttentionSpec.LatentDecode spec = AttentionSpec.LatentDecode.deepseek(
                Collections.nCopies(batch, context), heads, 1, KvCacheType.BF16);
        gflopPerLaunch = spec.flops() / 1e9;
        cpu = new CpuLaunch(spec, vectorApi, InputGenerator.generate(spec, 42).stream().map(HostTensor::bytes).toList());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public void decode(Work work, Blackhole bh) {
        work.gflops += gflopPerLaunch;
        bh.consume(cpu.run());
    }
}
