package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.calibrate.CalibrationCache;
import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.bench.results.ResultsJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dayzero calibrate} on the CPU for real (at a small effort), in its child JVM, cached then reused. */
class CalibrateCommandTest {

    @Test
    void measuresTheCpuOnceThenAnswersFromTheCache(@TempDir Path dir) throws Exception {
        CliTestSupport first = CliTestSupport.run("calibrate", "--backends", "cpu", "--cache-dir", dir.toString(),
                "--effort", "0.05");
        assertEquals(ExitCode.OK, first.exitCode(), first.err());
        assertTrue(first.out().contains("cpu:0") && first.out().contains("(measured "), first.out());
        assertTrue(first.out().contains("bandwidth") && first.out().contains("STREAM"), first.out());
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir.resolve("calibration"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertEquals(1, files.size(), files.toString());
        CalibrationEntry e = ResultsJson.mapper().readValue(Files.readString(files.get(0)), CalibrationEntry.class);
        assertEquals("cpu", e.backend());
        assertTrue(e.bandwidth().value() > 0.1, "bandwidth " + e.bandwidth());
        assertTrue(e.peaks().get("f32").value() > 1e-4, "peak " + e.peaks());
        assertEquals(e.peaks().get("f32").value(), e.peaks().get("fp8").value(), "widened: the F32 peak");
        long modified = Files.getLastModifiedTime(files.get(0)).toMillis();

        CliTestSupport second = CliTestSupport.run("calibrate", "--backends", "cpu", "--cache-dir", dir.toString(),
                "--effort", "0.05");
        assertEquals(ExitCode.OK, second.exitCode(), second.err());
        assertTrue(second.out().contains("(cached "), second.out());
        assertEquals(modified, Files.getLastModifiedTime(files.get(0)).toMillis(), "not measured again");

        CliTestSupport refreshed = CliTestSupport.run("calibrate", "--backends", "cpu", "--cache-dir", dir.toString(),
                "--effort", "0.05", "--refresh");
        assertTrue(refreshed.out().contains("(measured "), refreshed.out());
        assertEquals(ExitCode.BAD_INPUT, CliTestSupport.run("calibrate", "--backends", "cpu", "--cache-dir",
                dir.toString(), "--effort", "2").exitCode());
        assertTrue(CalibrationCache.resolveDir(dir, java.util.Map.of(), "/nowhere").equals(dir));
    }
}
