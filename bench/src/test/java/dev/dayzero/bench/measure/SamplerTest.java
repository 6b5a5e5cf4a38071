package dev.dayzero.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sampling rules, on the CPU device (its events are System.nanoTime) with launches whose cost we set. */
class SamplerTest {
    static Device cpu;

    @BeforeAll
    static void open() {
        cpu = new CpuBackendProvider().open(0);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** A launch that spins for {@code nanos} and counts its runs. */
    record Spin(long nanos, AtomicInteger runs) implements PreparedOp.Launch {
        Spin(long nanos) {
            this(nanos, new AtomicInteger());
        }

        @Override
        public void enqueue(Stream stream) {
            runs.incrementAndGet();
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() {
        }
    }

    /** A launch that runs slowly for its first {@code slowRuns} runs (a kernel before the JIT compiles it), then fast. */
    record Warming(long slowNanos, long fastNanos, int slowRuns, AtomicInteger runs) implements PreparedOp.Launch {
        @Override
        public void enqueue(Stream stream) {
            long end = System.nanoTime() + (runs.incrementAndGet() <= slowRuns ? slowNanos : fastNanos);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void warmUpGoesOnUntilTheLaunchesSettle() {
        // 5 ms of timed warm-up would end after two slow launches; the launches speed up after 40 ms, in the middle of
        // a settling window: the windows go on until two in a row are equally fast, and no slow launch is sampled
        MeasureOptions o = new MeasureOptions(Duration.ofMillis(5), 5, Duration.ofMillis(20), Duration.ofSeconds(2),
                10.0, false, true);
        Warming w = new Warming(4_000_000, 500_000, 10, new AtomicInteger());
        Timing t = Sampler.measure(cpu, w, o);
        // runs 1-10 are the slow ones, so a warm-up past them leaves none to sample; the samples' median shows the
        // fast ones were timed (not their maximum: on a busy 2-core machine one spin of 0.5 ms was once preempted to 4)
        assertTrue(t.warmupRuns() > 10, "warm-up ran past the slow launches: " + t.warmupRuns());
        assertTrue(t.stats().median() < 2.0, "the sampled launches are the fast ones: median " + t.stats().median());
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("warm-up extended")), "said so: " + t.notes());
        assertEquals(t.samplesMs().size() + t.warmupRuns(), w.runs().get());
    }

    @Test
    void warmUpStopsAtTheCapWhenTheLaunchesNeverSettle() {
        // run n takes 20 ms / (1 + n/4): each settling window (20 ms) ends about 20 % faster than the one before, for
        // ever; the extension stops at maxTime
        AtomicInteger runs = new AtomicInteger();
        PreparedOp.Launch speeding = new PreparedOp.Launch() {
            @Override
            public void enqueue(Stream stream) {
                long end = System.nanoTime() + (long) (20_000_000 / (1 + runs.incrementAndGet() / 4.0));
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }

            @Override
            public void close() {
            }
        };
        MeasureOptions o = new MeasureOptions(Duration.ZERO, 1, Duration.ofMillis(10), Duration.ofMillis(150), 10.0,
                false, true);
        Timing t = Sampler.measure(cpu, speeding, o);
        assertTrue(t.warmupMs() >= 150 && t.warmupMs() < 1000, "warm-up capped at maxTime: " + t.warmupMs() + " ms");
        assertTrue(t.notes().stream().anyMatch(n -> n.contains("cap")), "said so: " + t.notes());
    }

    @Test
    void aLooseTargetStopsAtTheMinimumCountAndTime() {
        MeasureOptions o = new MeasureOptions(Duration.ofMillis(5), 7, Duration.ofMillis(30), Duration.ofSeconds(5),
                10.0, false, true);
        Spin spin = new Spin(1_000_000);
        Timing t = Sampler.measure(cpu, spin, o);
        assertEquals("target-rsd", t.stopReason());
        assertTrue(t.samplesMs().size() >= 7);
        assertTrue(t.elapsedMs() >= 30 && t.elapsedMs() < 1000, "stopped soon after min time: " + t.elapsedMs());
        assertEquals(t.samplesMs().size() + t.warmupRuns(), spin.runs().get(), "one launch per sample and warm-up run");
        assertTrue(t.warmupRuns() >= 1);
        assertTrue(t.stats().median() >= 1.0, "a 1 ms spin measures at least 1 ms: " + t.stats().median());
        assertEquals(Timing.DEVICE_EVENTS, t.method());
        assertFalse(t.coldCache());
        assertFalse(t.graphReplay(), "the CPU device has no graph capture");
    }

    @Test
    void anUnreachableTargetStopsAtMaxTimeEvenBeforeTheMinimumCount() {
        MeasureOptions o = new MeasureOptions(Duration.ZERO, 1_000, Duration.ofMillis(10), Duration.ofMillis(60), 0,
                false, true);
        Timing t = Sampler.measure(cpu, new Spin(20_000_000), o);
        assertEquals("max-time", t.stopReason());
        assertTrue(t.samplesMs().size() < 1_000);
        assertTrue(t.elapsedMs() >= 60, "ran to max time: " + t.elapsedMs());
        Stats s = t.stats();
        assertTrue(s.p10() <= s.median() && s.median() <= s.p90());
        assertTrue(s.ci95Low() <= s.mean() && s.mean() <= s.ci95High());
        assertEquals(t.samplesMs().size(), s.count());
    }

    @Test
    void coldCacheFlushesOutsideTheTimedWindowAndFreesTheFlushBuffer() {
        long before = cpu.allocatedBytes();
        MeasureOptions o = new MeasureOptions(Duration.ZERO, 3, Duration.ZERO, Duration.ofMillis(50), 10.0, true, true);
        Timing t = Sampler.measure(cpu, new Spin(100_000), o);
        assertTrue(t.coldCache());
        assertEquals(Sampler.flushBytes(cpu.info()), t.flushBytes());
        assertTrue(t.stats().median() < 5, "the flush is not in the sample: " + t.stats().median());
        assertEquals(before, cpu.allocatedBytes(), "the flush buffer and events are freed");
    }

    @Test
    void flushSizeIsTwiceTheL2OrTheFallback() {
        DeviceInfo known = new DeviceInfo("x", 0, "v", "n", "a", 0, 1, "", "", 40L << 20, false, Map.of());
        DeviceInfo unknown = new DeviceInfo("x", 0, "v", "n", "a", 0, 1, "", "", 0, false, Map.of());
        assertEquals(80L << 20, Sampler.flushBytes(known));
        assertEquals(Sampler.FALLBACK_FLUSH_BYTES, Sampler.flushBytes(unknown));
    }

    @Test
    void warmTimingsOfOperandsThatFitTheLastLevelCacheSaySo() {
        DeviceInfo llc = new DeviceInfo("x", 0, "v", "n", "a", 0, 1, "", "", 300L << 20, false, Map.of());
        DeviceInfo unknown = new DeviceInfo("x", 0, "v", "n", "a", 0, 1, "", "", 0, false, Map.of());
        String note = Sampler.cacheResidencyNote(235L << 20, llc, false).orElseThrow();
        assertTrue(note.contains("235.0 MiB") && note.contains("300.0 MiB") && note.contains("--cold-cache"), note);
        assertTrue(Sampler.cacheResidencyNote(300L << 20, llc, false).isPresent(), "exactly the cache's size fits");
        assertFalse(Sampler.cacheResidencyNote((300L << 20) + 1, llc, false).isPresent(), "beyond the cache");
        assertFalse(Sampler.cacheResidencyNote(235L << 20, llc, true).isPresent(), "cold cache: read from memory");
        assertFalse(Sampler.cacheResidencyNote(235L << 20, unknown, false).isPresent(), "cache size unknown");
    }

    @Test
    void optionsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> MeasureOptions.defaults().withMaxTime(Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> new MeasureOptions(Duration.ZERO, 0, Duration.ZERO,
                Duration.ofSeconds(1), 0.005, false, true));
        MeasureOptions d = MeasureOptions.defaults();
        assertEquals(d.minTime().multipliedBy(10), d.maxTime());
        assertEquals(0.005, d.targetRsd());
    }
}
