package dev.dayzero.microbench;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.bench.measure.Sampler;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one measured sample costs beyond the operator itself, on the CPU backend: {@link #sample()} is the
 * harness's per-sample body ({@link Sampler.SampleLoop#sampleMillis()}: record an event, launch, record an
 * event, wait, read the elapsed time) around a launch that does nothing; {@link #directLaunch()} is the same
 * no-op launch called alone. Their difference is the harness overhead per sample (target: under 1 µs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class HarnessOverheadBenchmark {

    /** A launch that does nothing but count its runs. */
    static final class NoOpLaunch implements PreparedOp.Launch {
        long runs;

        @Override
        public void enqueue(Stream stream) {
            runs++;
        }

        @Override
        public void close() {
        }
    }

    private Device device;
    private Stream stream;
    private NoOpLaunch launch;
    private Sampler.SampleLoop loop;

    @Setup(Level.Trial)
    public void setup() {
        device = new CpuBackendProvider().open(0);
        stream = device.defaultStream();
        launch = new NoOpLaunch();
        loop = new Sampler.SampleLoop(device, stream, launch, null, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
        device.close();
    }

    /** The no-op operator alone. */
    @Benchmark
    public long directLaunch() {
        launch.enqueue(stream);
        return launch.runs;
    }

    /** One measured sample of the no-op operator. */
    @Benchmark
    public double sample() {
        return loop.sampleMillis();
    }
}
