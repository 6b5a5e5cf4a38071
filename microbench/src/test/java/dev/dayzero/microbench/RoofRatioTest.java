package dev.dayzero.microbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RoofRatioTest {

    /**
     * Small shapes, short rounds and a light calibration: each round gives every target a figure, a roof and a percent
     * that agree with each other (GFLOP/s against a TFLOP/s roof; GB/s through the spec's FLOP per byte), which roof
     * bound it, the bytes a launch allocated, and a summary line per target.
     */
    @Test
    void eachRoundGivesEveryTargetAPercentOfTheRoofMeasuredJustBefore() {
        List<RoofRatio.Target> targets = new ArrayList<>();
        var moe = CpuMoeGemmBenchmark.spec("FP8_BLOCK", 2, 8, 256, 256);
        var quantize = CpuQuantizeBenchmark.spec("group128", 64, 256);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<List<RoofRatio.Sample>> rounds;
        try {
            targets.add(new RoofRatio.Target("moe", moe, CpuMoeGemmBenchmark.open(moe, true), false));
            targets.add(new RoofRatio.Target("quantize", quantize, CpuQuantizeBenchmark.open(quantize, true), true));
            rounds = RoofRatio.run(targets, 2, 0.05, 0.02, new PrintStream(text, true, StandardCharsets.UTF_8));
        } finally {
            targets.forEach(RoofRatio.Target::close);
        }
        assertEquals(2, rounds.size());
        for (List<RoofRatio.Sample> round : rounds) {
            assertEquals(List.of("moe", "quantize"), round.stream().map(RoofRatio.Sample::target).toList());
            RoofRatio.Sample m = round.get(0);
            assertEquals("GFLOP/s", m.unit());
            assertTrue(m.figure() > 0 && m.roofTflops() > 0, m.toString());
            assertEquals(100 * m.figure() / 1000 / m.roofTflops(), m.percent(), 1e-9 * m.percent(), m.toString());
            RoofRatio.Sample q = round.get(1);
            assertEquals("GB/s", q.unit());
            // which roof binds depends on the machine (a light calibration may measure a cached bandwidth)
            assertTrue(List.of("memory", "compute").contains(q.boundBy()), q.toString());
            double tflops = q.figure() * quantize.flops() / quantize.bytes() / 1000;
            assertEquals(100 * tflops / q.roofTflops(), q.percent(), 1e-9 * q.percent(), q.toString());
            if (countsAllocation()) {
                assertTrue(m.bytesPerLaunch() >= 0 && q.bytesPerLaunch() >= 0, round.toString());
            }
        }
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("round 2 of 2: bandwidth"), out);
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("quantize") && l.endsWith("of 2")), out);
    }

    /** A launch's allocation is the threads' counters' growth: an array made in between is counted, whole. */
    @Test
    void allocationBetweenTwoReadingsIsCounted() {
        Assumptions.assumeTrue(countsAllocation(), "this JVM keeps no per-thread allocation counter");
        var before = RoofRatio.allocatedBytes();
        byte[] made = new byte[1 << 20];
        double counted = RoofRatio.allocatedSince(before);
        assertEquals(1 << 20, made.length);
        assertTrue(counted >= 1 << 20 && counted < 4 << 20, "counted " + counted + " bytes for a 1 MiB array");
    }

    private static boolean countsAllocation() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled();
    }
}
