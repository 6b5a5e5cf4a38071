package dev.dayzero.backend.cpu.internal;

import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.backend.cpu.internal.simd.Simds;
import dev.dayzero.hal.Calibration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The host's roofs, measured on the device's worker threads.
 *
 * <ul>
 *   <li><b>Bandwidth</b>: STREAM's copy ({@code c = a}) and triad ({@code a = b + s·c}) over three F32 arrays
 *       each at least four times the last-level cache (and at least 64 MiB), split evenly over the worker
 *       threads; bytes counted as STREAM does (copy 2 × 4 B, triad 3 × 4 B per element); the best time of
 *       several repetitions of each kernel, and the higher of the two rates is kept. A read-only pass (the
 *       vectorised amax over one array) is reported in the method line beside them, not used as a roof: it is
 *       the ceiling of kernels that only stream weights (decode at batch 1), and below STREAM's count on
 *       machines whose writes add bandwidth.</li>
 *   <li><b>F32 peak</b>: an FMA chain of independent accumulators held in registers, on every worker thread at
 *       once, with the widest kernels this JVM has (the Vector API where its module is loaded); the best of
 *       several repetitions. The backend computes BF16, FP8 and INT8 operators in F32 after widening, so their
 *       peaks are this F32 peak, and say so.</li>
 * </ul>
 */
final class CpuCalibration implements Calibration {
    private static final long MIN_ARRAY_BYTES = 64L << 20;
    private static final long MAX_ARRAY_BYTES = 512L << 20;

    private final CpuDevice device;

    CpuCalibration(CpuDevice device) {
        this.device = device;
    }

    @Override
    public Roofs measure(double effort) {
        if (!(effort > 0) || effort > 1) {
            throw new IllegalArgumentException("effort must be in (0, 1], got " + effort);
        }
        WorkerPool pool = device.pool();
        long llc = device.info().l2Bytes(); // the last-level cache (HostInfo.lastLevel)
        long arrayBytes = Math.min(MAX_ARRAY_BYTES, Math.max(MIN_ARRAY_BYTES, 4 * llc));
        if (effort < 1) {
            arrayBytes = Math.max(1L << 20, (long) (arrayBytes * effort));
        }
        int reps = Math.max(2, (int) Math.round(6 * effort));
        Calibration.Figure bw = bandwidth(pool, device.simd(), Math.toIntExact(arrayBytes / 4), reps, llc);
        Calibration.Figure f32 = peak(pool, reps, effort);
        Map<String, Calibration.Figure> peaks = new LinkedHashMap<>();
        peaks.put("f32", f32);
        String widened = "the CPU backend computes this precision in F32 after widening, so its peak is the F32 peak: ";
        for (String p : new String[] {"bf16", "fp8", "int8"}) {
            peaks.put(p, new Calibration.Figure(f32.value(), widened + f32.method()));
        }
        return new Roofs(Optional.of(bw), peaks);
    }

    private static Calibration.Figure bandwidth(WorkerPool pool, Simd simd, int n, int reps, long llc) {
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        int threads = pool.threads();
        int chunk = (n + threads - 1) / threads;
        pool.forEach(threads, (w, t) -> {
            int from = t * chunk;
            int to = Math.min(n, from + chunk);
            for (int i = from; i < to; i++) {
                a[i] = 1f;
                b[i] = 2f;
                c[i] = 0f;
            }
        });
        long bestCopy = Long.MAX_VALUE;
        long bestTriad = Long.MAX_VALUE;
        long bestRead = Long.MAX_VALUE;
        float[] sink = new float[threads];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            pool.forEach(threads, (w, t) -> {
                int from = t * chunk;
                int to = Math.min(n, from + chunk);
                if (from < to) {
                    System.arraycopy(a, from, c, from, to - from);
                }
            });
            long t1 = System.nanoTime();
            pool.forEach(threads, (w, t) -> {
                int from = t * chunk;
                int to = Math.min(n, from + chunk);
                for (int i = from; i < to; i++) {
                    a[i] = b[i] + 3f * c[i];
                }
            });
            long t2 = System.nanoTime();
            pool.forEach(threads, (w, t) -> { // read only: what a kernel streaming weights (decode b1) can reach
                int from = t * chunk;
                int to = Math.min(n, from + chunk);
                sink[t] = from < to ? simd.amax(b, from, to - from) : 0f;
            });
            long t3 = System.nanoTime();
            bestCopy = Math.min(bestCopy, t1 - t0);
            bestTriad = Math.min(bestTriad, t2 - t1);
            bestRead = Math.min(bestRead, t3 - t2);
        }
        double copy = 2.0 * 4 * n / bestCopy;    // bytes per ns = GB/s
        double triad = 3.0 * 4 * n / bestTriad;
        double read = 4.0 * n / bestRead;
        boolean triadWins = triad >= copy;
        String how = String.format(Locale.ROOT, "STREAM copy and triad on %d Java threads over three %d MiB F32 arrays"
                        + " (last-level cache %s), best of %d; copy %.1f GB/s, triad %.1f GB/s: %s kept"
                        + " (bytes read + written); a read-only pass %.1f GB/s (not a roof: for comparison with kernels"
                        + " that only stream their weights)", threads, (4L * n) >> 20,
                llc > 0 ? (llc >> 20) + " MiB" : "size unknown: /sys gives none", reps, copy, triad,
                triadWins ? "triad" : "copy", read);
        return new Calibration.Figure(Math.max(copy, triad), how);
    }

    private static Calibration.Figure peak(WorkerPool pool, int reps, double effort) {
        Simd simd = Simds.widest();
        int threads = pool.threads();
        long iterations = Math.max(100_000L, (long) (20_000_000L * effort));
        float[] sink = new float[threads];
        pool.forEach(threads, (w, t) -> sink[t] = simd.fmaChain(iterations / 10, t)); // warm-up, JIT
        long best = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            pool.forEach(threads, (w, t) -> sink[t] += simd.fmaChain(iterations, t));
            best = Math.min(best, System.nanoTime() - t0);
        }
        double sum = 0;
        for (float s : sink) {
            sum += s;
        }
        if (!Double.isFinite(sum)) {
            throw new IllegalStateException("the FMA chain diverged: " + sum);
        }
        double flops = (double) iterations * simd.fmaChainFlops() * threads;
        String how = String.format(Locale.ROOT, "register-resident FMA chain (%s, %d FLOP per step) on %d Java threads,"
                + " %d steps each, best of %d", simd.name(), simd.fmaChainFlops(), threads, iterations, reps);
        return new Calibration.Figure(flops / best / 1000.0, how); // FLOP per ns / 1000 = TFLOP/s
    }
}
