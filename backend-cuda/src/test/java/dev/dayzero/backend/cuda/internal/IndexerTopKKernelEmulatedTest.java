package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.Stream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code dz_indexer_topk} alone on the CUDA emulator, fed logits built to hit every path of its radix select, and
 * judged exactly (no rounding is involved: it only compares F32 values): each row returns {@code min(k, n)}
 * distinct indices of its columns (plus its base) first, then {@code -1}; when it must choose, every value above
 * the k-th largest is taken and every taken value is at least the k-th largest. Rows: all values equal (one bin
 * through every pass, ties at the threshold; fewer and more than the 4096 shared-memory candidates), a bin taken
 * whole at the first digit, three distinct values, signed zeros and infinities, subnormals,
 * values one ulp apart (the last digit decides), {@code n = k}, {@code n = k + 1}, {@code n < k}, an empty row,
 * random rows short and long (202,752 columns, GLM-5's longest context), in both modes (decode: index = column;
 * prefill: index = ks + column).
 */
class IndexerTopKKernelEmulatedTest {

    private record Row(float[] values, int base) {
    }

    @Test
    void everyRowGetsExactlyItsTopK() {
        Random rnd = new Random(42);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(filled(3000, 1.0f), 0));
        // more equal values than the 4096 shared-memory candidates: every digit over global memory
        rows.add(new Row(filled(6000, -2.5f), 4));
        // 64 values far above the rest: for k = 64 the first digit's bin is taken whole
        float[] spike = random(rnd, 3000);
        for (int i = 0; i < 64; i++) {
            spike[40 * i] = 1e30f;
        }
        rows.add(new Row(spike, 0));
        float[] three = new float[3000];
        for (int i = 0; i < three.length; i++) {
            three[i] = rnd.nextInt(3);
        }
        rows.add(new Row(three, 5));
        float[] special = {0.0f, -0.0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE, 1.0f, Math.nextUp(1.0f),
                Math.nextDown(1.0f), -1.0f, 0.0f, -0.0f, Float.NEGATIVE_INFINITY};
        float[] specials = new float[1500];
        for (int i = 0; i < specials.length; i++) {
            specials[i] = special[rnd.nextInt(special.length)];
        }
        rows.add(new Row(specials, 0));
        float[] ulps = new float[2000];
        for (int i = 0; i < ulps.length; i++) {
            ulps[i] = Float.intBitsToFloat(Float.floatToIntBits(1000.0f) + rnd.nextInt(40));
        }
        rows.add(new Row(ulps, 17));
        rows.add(new Row(random(rnd, 64), 0));
        rows.add(new Row(random(rnd, 65), 3));
        rows.add(new Row(random(rnd, 10), 0));
        rows.add(new Row(new float[0], 9));
        rows.add(new Row(random(rnd, 5000), 0));
        rows.add(new Row(random(rnd, 202_752), 0));
        for (int mode = 0; mode < 2; mode++) {
            for (int k : new int[] {1, 64, 2048}) {
                run(rows, k, mode);
            }
        }
    }

    private static float[] filled(int n, float v) {
        float[] x = new float[n];
        Arrays.fill(x, v);
        return x;
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1000);
        }
        return x;
    }

    private static void run(List<Row> rows, int k, int mode) {
        int width = rows.stream().mapToInt(r -> r.values().length).max().orElse(1);
        int n = rows.size();
        ByteBuffer logits = ByteBuffer.allocate(4 * n * width).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer lo = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer hi = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < n; r++) {
            Row row = rows.get(r);
            for (int c = 0; c < width; c++) {
                // past the row: NaN, never to be read
                logits.putFloat(4 * (r * width + c), c < row.values().length ? row.values()[c] : Float.NaN);
            }
            int base = mode == 1 ? row.base() : 0;
            lo.putInt(4 * r, base);
            hi.putInt(4 * r, base + row.values().length);
        }
        try (CudaDevice device = (CudaDevice) CudaEmulator.open()) {
            CudaBuffer dLogits = (CudaBuffer) device.allocate(logits.capacity());
            CudaBuffer dLo = (CudaBuffer) device.allocate(lo.capacity());
            CudaBuffer dHi = (CudaBuffer) device.allocate(hi.capacity());
            CudaBuffer dOut = (CudaBuffer) device.allocate(4L * n * k);
            dLogits.write(0, logits);
            dLo.write(0, lo);
            dHi.write(0, hi);
            long fn = device.module(KernelImages.INDEXER).function(IndexerOp.TOPK);
            OwnedResources owner = new OwnedResources();
            KernelParams p = new KernelParams(8);
            p.address(0, dLogits.address()).int64(1, width).int32(2, width).address(3, mode == 1 ? dLo.address() : 0)
                    .address(4, dHi.address()).int32(5, mode).address(6, dOut.address()).int32(7, k);
            try (KernelLaunch launch = owner.add(new KernelLaunch(device, "top-k", fn, new int[] {n, 1, 1},
                    new int[] {IndexerOp.TOPK_THREADS, 1, 1}, p, owner))) {
                Stream s = device.defaultStream();
                launch.enqueue(s);
                s.synchronize();
            }
            ByteBuffer out = ByteBuffer.allocate(4 * n * k).order(ByteOrder.LITTLE_ENDIAN);
            dOut.read(0, out);
            for (int r = 0; r < n; r++) {
                check(rows.get(r), mode == 1 ? rows.get(r).base() : 0, out, r, k,
                        "mode " + mode + " k " + k + " row " + r);
            }
        }
    }

    private static void check(Row row, int base, ByteBuffer out, int r, int k, String what) {
        float[] v = row.values();
        int n = v.length;
        int want = Math.min(k, n);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < k; i++) {
            int idx = out.getInt(4 * (r * k + i));
            if (i >= want) {
                assertEquals(-1, idx, what + ": slot " + i + " past the " + want + " valid ones");
                continue;
            }
            assertTrue(idx >= base && idx < base + n,
                    what + ": index " + idx + " outside [" + base + ", " + (base + n) + ")");
            assertTrue(seen.add(idx), what + ": index " + idx + " repeated");
        }
        if (n <= k) {
            return;
        }
        float[] sorted = v.clone();
        Arrays.sort(sorted);
        float kth = sorted[n - k];
        long above = 0;
        for (float x : v) {
            if (Float.compare(x, kth) > 0) {
                above++;
            }
        }
        long takenAbove = 0;
        for (int idx : seen) {
            float x = v[idx - base];
            assertTrue(Float.compare(x, kth) >= 0, what + ": took " + x + " below the k-th largest " + kth);
            if (Float.compare(x, kth) > 0) {
                takenAbove++;
            }
        }
        assertEquals(above, takenAbove, what + ": every value above the k-th largest is taken");
    }
}
