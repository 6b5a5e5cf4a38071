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

    @Test
    void printsEveryDistinctMethodAndTheNotes() throws Exception {
        var n = ResultsJson.mapper().readTree("""
                {"backend": "cuda", "ordinal": 0, "device": "GPU", "cached": false, "measuredAt": "t", "file": "f",
                 "bandwidth": {"value": 4000.0, "method": "copy"},
                 "peaks": {"bf16": {"value": 700.0, "method": "cublasLtMatmul bf16"},
                           "fp8": {"value": 1400.0, "method": "cublasLtMatmul fp8"}},
                 "notes": ["int8 not measured: no INT8 matmul"]}""");
        java.io.StringWriter text = new java.io.StringWriter();
        CalibrateCommand.print(new java.io.PrintWriter(text, true), n);
        String out = text.toString();
        assertTrue(out.contains("cublasLtMatmul bf16") && out.contains("cublasLtMatmul fp8"), out);
        assertTrue(out.contains("  note: int8 not measured: no INT8 matmul"), out);
        // the CPU's widened precisions only repeat the F32 method: not printed again
        var cpu = ResultsJson.mapper().readTree("""
                {"backend": "cpu", "ordinal": 0, "peaks": {"f32": {"value": 1.0, "method": "FMA chain"},
                 "bf16": {"value": 1.0, "method": "computed in F32 after widening: FMA chain"}}}""");
        text = new java.io.StringWriter();
        CalibrateCommand.print(new java.io.PrintWriter(text, true), cpu);
        assertEquals(1, text.toString().split("FMA chain", -1).length - 1, text.toString());
    }

    @Test
    void helpSaysHowEachBackendMeasuresAndThatEmulatorsAreNeverCalibrated() {
        String help = new picocli.CommandLine(new CalibrateCommand()).getUsageMessage().replaceAll("\\s+", " ");
        for (String backend : List.of("cpu:", "cuda:", "ascend:", "cambricon:")) {
            assertTrue(help.contains(backend), help);
        }
        assertTrue(help.contains("Emulators and test doubles are never calibrated"), help);
    }
}
