package dev.dayzero.microbench;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.util.Collections;
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
 * The CPU backend's paged lightning indexer (decode top-k) at the DeepSeek-V3.2 decode shape: 64 heads of
 * 128, FP8 keys in DeepGEMM's paged layout (page 64), {@code batch} sequences of {@code context} tokens,
 * {@code nextN} query tokens each, top-2048, all cores.
 *
 * <p>Throughput mode: the primary score is launches per second; the {@code keyGB} counter is the key
 * cache read per launch in GB ({@code Σ_b keys_b · (headDim + 4)} bytes for FP8, {@code 2 · headDim}
 * for BF16; each sequence's keys once, as the spec's bytes() counts them), so its rate is the key-cache
 * GB/s; {@code gflop} is {@code spec.flops() / 1e9} per launch ({@code 2 · heads · headDim} per query and
 * valid key).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar microbench/target/benchmarks.jar CpuPagedIndexer -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class CpuPagedIndexerBenchmark {

    @Param({"FP8"})
    public String keyType;

    /** Whether the backend uses the Vector API kernels ({@code true}) or the plain loops. */
    @Param({"true", "false"})
    public boolean vectorApi;

    @Param({"8"})
    public int batch;

    @Param({"32768"})
    public int context;

    @Param({"1"})
    public int nextN;

    @Param({"2048"})
    public int topk;

    private CpuLaunch cpu;
    private double keyGbPerLaunch;
    private double gflopPerLaunch;

    /** Key-cache GB and GFLOP done, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double keyGB;
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            keyGB = 0;
            gflop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        KeyType type = KeyType.valueOf(keyType);
        PagedKeys cache = PagedKeys.of(Collections.nCopies(batch, context), nextN, 64, 128, type, 64, 1);
        IndexerSpec.PagedIndexerTopK spec = new IndexerSpec.PagedIndexerTopK(cache, topk);
        long keys = 0;
        for (int b = 0; b < batch; b++) {
            keys += cache.validKeys(b, nextN - 1);
        }
        keyGbPerLaunch = keys * type.keyBytes(cache.headDim()) / 1e9;
        gflopPerLaunch = spec.flops() / 1e9;
        SplittableRandom rnd = new SplittableRandom(42);
        cpu = new CpuLaunch(spec, vectorApi, List.of(values(spec.inputs().get(0), type, rnd), cache(cache, rnd),
                weights(spec.inputs().get(2), rnd), contextLens(cache), blockTable(cache)));
    }

    private static void value(ByteBuffer b, KeyType type, SplittableRandom rnd) {
        float v = (float) rnd.nextDouble(-4, 4);
        if (type == KeyType.FP8) {
            b.put(Fp8.encode(DType.F8_E4M3FN, v));
        } else {
            b.putShort(Bf16.encode(v));
        }
    }

    private static ByteBuffer values(TensorSpec t, KeyType type, SplittableRandom rnd) {
        ByteBuffer b = CpuLaunch.buffer(t.bytes());
        for (long i = 0; i < t.elements(); i++) {
            value(b, type, rnd);
        }
        return b.flip();
    }

    /** Every page filled: FP8 blocks of codes then positive scales, or BF16 keys. */
    private static ByteBuffer cache(PagedKeys c, SplittableRandom rnd) {
        ByteBuffer b = CpuLaunch.buffer(c.cacheTensor().bytes());
        for (int p = 0; p < c.numPages(); p++) {
            for (int i = 0; i < c.pageSize() * c.headDim(); i++) {
                value(b, c.keyType(), rnd);
            }
            if (c.keyType() == KeyType.FP8) {
                for (int t = 0; t < c.pageSize(); t++) {
                    b.putFloat((float) rnd.nextDouble(1e-3, 1e-2));
                }
            }
        }
        return b.flip();
    }

    private static ByteBuffer weights(TensorSpec t, SplittableRandom rnd) {
        ByteBuffer b = CpuLaunch.buffer(t.bytes());
        for (long i = 0; i < t.elements(); i++) {
            b.putFloat((float) rnd.nextDouble(-1, 1));
        }
        return b.flip();
    }

    private static ByteBuffer contextLens(PagedKeys c) {
        ByteBuffer b = CpuLaunch.buffer(4L * c.batch() * c.nextN());
        for (int s = 0; s < c.batch(); s++) {
            for (int j = 0; j < c.nextN(); j++) {
                b.putInt(c.validKeys(s, j));
            }
        }
        return b.flip();
    }

    /** Sequence b's pages back to back, an out-of-range id past the used entries. */
    private static ByteBuffer blockTable(PagedKeys c) {
        ByteBuffer b = CpuLaunch.buffer(4L * c.batch() * c.maxBlocks());
        int next = 0;
        for (int s = 0; s < c.batch(); s++) {
            int used = (c.keys(s) + c.pageSize() - 1) / c.pageSize();
            for (int i = 0; i < c.maxBlocks(); i++) {
                b.putInt(i < used ? next++ : Integer.MAX_VALUE);
            }
        }
        return b.flip();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cpu.close();
    }

    @Benchmark
    public void pagedIndexerTopK(Work work, Blackhole bh) {
        work.keyGB += keyGbPerLaunch;
        work.gflop += gflopPerLaunch;
        bh.consume(cpu.run());
    }
}
