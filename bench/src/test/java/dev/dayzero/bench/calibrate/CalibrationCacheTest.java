package dev.dayzero.bench.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DeviceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationCacheTest {
    static final DeviceInfo CPU = new DeviceInfo("cpu", 0, "Intel", "Xeon Test 8480", "AVX-512", 1L << 34, 2, "", "17",
            1L << 21, false, Map.of());

    static Calibration.Roofs roofs(double gbs, double tflops) {
        return new Calibration.Roofs(Optional.of(new Calibration.Figure(gbs, "STREAM triad test")),
                Map.of("f32", new Calibration.Figure(tflops, "FMA chain test"),
                        "bf16", new Calibration.Figure(tflops, "widened")));
    }

    @Test
    void theDirectoryFollowsOptionThenEnvThenXdgThenHome() {
        assertEquals(Path.of("/x"), CalibrationCache.resolveDir(Path.of("/x"), Map.of(CalibrationCache.ENV, "/y"), "/h"));
        assertEquals(Path.of("/y"), CalibrationCache.resolveDir(null,
                Map.of(CalibrationCache.ENV, "/y", "XDG_CACHE_HOME", "/z"), "/h"));
        assertEquals(Path.of("/z/dayzero"), CalibrationCache.resolveDir(null, Map.of("XDG_CACHE_HOME", "/z"), "/h"));
        assertEquals(Path.of("/h/.cache/dayzero"), CalibrationCache.resolveDir(null, Map.of(), "/h"));
    }

    @Test
    void anEntryIsFoundOnlyForTheSameHostDeviceAndDriver(@TempDir Path dir) throws Exception {
        CalibrationCache cache = new CalibrationCache(dir);
        CalibrationEntry e = CalibrationEntry.of("box-a", CPU, "2026-01-01T00:00:00Z", roofs(20.5, 0.35));
        Path f = cache.store(e, CPU);
        assertTrue(Files.isRegularFile(f) && f.startsWith(dir.resolve("calibration").resolve("box-a")), f.toString());
        CalibrationEntry back = cache.lookup("box-a", CPU).orElseThrow();
        assertEquals(20.5, back.bandwidth().value());
        assertEquals("STREAM triad test", back.bandwidth().method());
        assertEquals(0.35, back.peaks().get("f32").value());
        assertEquals(Optional.empty(), cache.lookup("box-b", CPU), "another host");
        DeviceInfo newDriver = new DeviceInfo("cpu", 0, "Intel", "Xeon Test 8480", "AVX-512", 1L << 34, 2, "", "21",
                1L << 21, false, Map.of());
        assertEquals(Optional.empty(), cache.lookup("box-a", newDriver), "another runtime version");
        DeviceInfo other = new DeviceInfo("cpu", 1, "Intel", "Xeon Test 8480", "AVX-512", 1L << 34, 2, "", "17",
                1L << 21, false, Map.of());
        assertEquals(Optional.empty(), cache.lookup("box-a", other), "another ordinal");
        Files.writeString(f, "{ not json");
        assertEquals(Optional.empty(), cache.lookup("box-a", CPU), "an unreadable file is a miss");
    }

    @Test
    void aRunRecordsTheUsedDevicesEntryUnderItsRecordedHost(@TempDir Path dir) {
        CalibrationCache cache = new CalibrationCache(dir);
        cache.store(CalibrationEntry.of("box-a", CPU, "2026-01-01T00:00:00Z", roofs(20.5, 0.35)), CPU);
        DeviceInfo emu = new DeviceInfo("cuda", 0, "NVIDIA", "emu", "sm_90", 1L << 30, 1, "", "", 0, true, Map.of());
        List<CalibrationEntry> got = cache.forRun(List.of(new BackendEntry("cpu", 0, true, "", Map.of(), List.of(CPU)),
                new BackendEntry("cuda", 0, true, "", Map.of(), List.of(emu))), "box-a", "redacted-1234");
        assertEquals(1, got.size());
        assertEquals("redacted-1234", got.get(0).host());
        assertEquals("cpu", got.get(0).backend());
    }
}
