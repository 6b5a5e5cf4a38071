package dev.dayzero.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dayzero.bench.calibrate.CalibrateChild;
import dev.dayzero.bench.calibrate.CalibrationCache;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.bench.worker.ChildProbe;
import dev.dayzero.bench.worker.WorkerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dayzero calibrate}: each backend measures its devices' roofs (memory bandwidth, peak per precision), once
 * per host, backend, device and driver; the figures are cached and later runs record them, so the report has a
 * percent of roofline where no datasheet gives a figure. Each backend runs in a child JVM, like a run's worker.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure each device's memory bandwidth (STREAM: bytes read + written) and peak per precision,"
                + " once per host, backend, device and driver, and cache them; runs record them and reports use them"
                + " where the chip table has no datasheet figure.",
                "",
                "cpu: STREAM copy and triad on the worker threads; F32 FMA chain (BF16/FP8/INT8 computed in F32).",
                "cuda: cuMemcpyDtoDAsync of 1 GiB timed by CUDA events; cuBLASLt FP32, TF32, BF16 and FP8 (per-tensor"
                        + " scales) GEMMs of 8192^3 (the backend's own kernels for BF16/FP8 without cuBLASLt).",
                "ascend: aclrtMemcpyAsync device-to-device timed by ACL events; BF16 and INT8 on aclnnGroupedMatmulV4.",
                "cambricon: cnrtMemcpyAsync_V3 device-to-device timed by notifiers; BF16 on cnnlMatMul_v2.",
                "Each figure prints how it was measured; a precision left out prints a note with the reason.",
                "Emulators and test doubles are never calibrated, so none of their figures is cached or shown. The"
                        + " cuda, ascend and cambricon measurements were checked only on the CUDA emulator and the"
                        + " vendor test doubles (their calls and frees, never a speed)."})
final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--backends", split = ",", paramLabel = "ID",
            description = "Backends to calibrate. Default: every available backend.")
    List<String> backends;

    @Option(names = "--refresh", description = "Measure again even where the cache has the device's figures.")
    boolean refresh;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The cache directory. Default: $" + CalibrationCache.ENV
                    + ", else $XDG_CACHE_HOME/dayzero, else ~/.cache/dayzero.")
    Path cacheDir;

    @Option(names = "--effort", paramLabel = "X", hidden = true, defaultValue = "1",
            description = "Scale sizes and repetitions by X in (0, 1] (quick checks).")
    double effort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(effort > 0) || effort > 1) {
            throw new BadInputException("--effort must be in (0, 1], got " + effort);
        }
        PrintWriter out = spec.commandLine().getOut();
        WorkerSettings settings = WorkerSettings.inherit(null);
        List<String> ids = backends != null ? backends : ChildProbe.availableBackends(settings);
        CalibrationCache cache = CalibrationCache.standard(cacheDir);
        String host = HostInfo.current().hostname();
        int failed = 0;
        for (String id : ids) {
            List<String> cmd = settings.javaCommand(settings.moduleOptions(id), "hs_err_calibrate_pid%p.log",
                    CalibrateChild.class.getName(), id, host, Double.toString(effort), refresh ? "refresh" : "cached",
                    cache.dir().toString());
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String text = read(p.getInputStream());
            int rc = p.waitFor();
            if (rc != 0) {
                failed++;
                spec.commandLine().getErr().println("dayzero: calibrating " + id + " failed (exit " + rc + "): "
                        + tail(err.join()));
                continue;
            }
            for (String line : text.split("\n")) {
                if (line.startsWith("{")) {
                    print(out, ResultsJson.mapper().readTree(line));
                }
            }
        }
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    static void print(PrintWriter out, JsonNode n) {
        String dev = n.path("backend").asText() + ":" + n.path("ordinal").asInt();
        if (n.has("skipped")) {
            out.println(dev + "  not calibrated: " + n.get("skipped").asText());
            return;
        }
        out.println(dev + " " + n.path("device").asText() + "  (" + (n.path("cached").asBoolean() ? "cached" : "measured")
                + " " + n.path("measuredAt").asText() + ", " + n.path("file").asText() + ")");
        if (n.hasNonNull("bandwidth")) {
            out.printf(Locale.ROOT, "  bandwidth %10.1f GB/s    %s%n", n.get("bandwidth").get("value").asDouble(),
                    n.get("bandwidth").get("method").asText());
        }
        // a peak's method is shown unless it only repeats the F32 one (the CPU's widened precisions)
        String f32 = n.path("peaks").path("f32").path("method").asText("\u0000");
        n.path("peaks").fields().forEachRemaining(e -> {
            String method = e.getValue().get("method").asText();
            out.printf(Locale.ROOT, "  %-9s %10.3f TFLOP/s %s%n", e.getKey(), e.getValue().get("value").asDouble(),
                    e.getKey().equals("f32") || !method.endsWith(f32) ? "  " + method : "");
        });
        n.path("notes").forEach(note -> out.println("  note: " + note.asText()));
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= 2000 ? t : "…" + t.substring(t.length() - 2000);
    }
}
