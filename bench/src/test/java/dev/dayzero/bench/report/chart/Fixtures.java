package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.DeviceRoofs;
import dev.dayzero.bench.report.ReportData;
import dev.dayzero.bench.report.ReportRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built report data: real devices (one in two runs, one with no chip-table entry) and a test double. */
final class Fixtures {
    static final String H100_A = "cuda:0 NVIDIA H100 80GB HBM3 @hostA 2025-05-01 09:00";
    static final String H100_B = "cuda:0 NVIDIA H100 80GB HBM3 @hostB 2025-05-02 14:30";
    static final String ASCEND = "cann:0 Ascend 910B3";
    static final String FAKE = "fake:0 Scripted test double";
    static final String FOOTER = "dayzero 0.1.0 @abc123 · hostA, hostB · 2025-05-01, 2025-05-02 · median of samples";

    private Fixtures() {
    }

    static ReportRow row(String op, String family, int batch, String device, boolean emulated, String status,
                         String precision, double tflops, double intensity, double percent) {
        boolean timed = status.equals("passed");
        double ms = timed ? 0.5 : Double.NaN;
        double t = timed ? tflops : Double.NaN;
        double gbps = timed ? tflops * 1000 / intensity : Double.NaN;
        String id = "deepseek-v3/decode/b" + batch + "/ctx4096/tp8-ep8/uniform/" + op;
        return new ReportRow(id, "deepseek-v3", "decode", op, family, batch, device, "host", "2025-05-01", emulated,
                status, "", precision, ms, t, gbps, intensity, timed ? percent : Double.NaN, "memory");
    }

    /** Real devices and one emulated device, several batch sizes and statuses. */
    static ReportData mixed() {
        List<ReportRow> rows = new ArrayList<>(realRows(new int[] {1, 8, 32}));
        for (int b : new int[] {1, 8, 32}) {
            rows.add(row("mla-decode-bf16", "attention", b, FAKE, true, "passed", "bf16", 5000.0 * b, 10 * b, 90));
        }
        List<DeviceRoofs> roofs = new ArrayList<>(h100Roofs());
        roofs.add(new DeviceRoofs(FAKE, "Fake chip", Map.of("bf16", 100000.0), 100000, "made up", true));
        return new ReportData(rows, roofs, FOOTER);
    }

    /** Real devices only, each operator at the given batch sizes. */
    static ReportData real(int... batches) {
        return new ReportData(realRows(batches), h100Roofs(), FOOTER);
    }

    /** Only the test double. */
    static ReportData emulatedOnly() {
        List<ReportRow> rows = new ArrayList<>();
        for (int b : new int[] {1, 8}) {
            rows.add(row("mla-decode-bf16", "attention", b, FAKE, true, "passed", "bf16", 5.0 * b, 10 * b, 40));
            rows.add(row("moe-gemm-fp8", "moe-gemm", b, FAKE, true, "failed-numerics", "fp8", 0, 50, 0));
        }
        return new ReportData(rows, List.of(new DeviceRoofs(FAKE, "", Map.of("bf16", 100.0), 1000, "made up", true)),
                FOOTER);
    }

    private static List<DeviceRoofs> h100Roofs() {
        Map<String, Double> peaks = Map.of("bf16", 989.4, "fp8", 1978.9, "int8", 1978.9);
        return List.of(new DeviceRoofs(H100_A, "NVIDIA H100 SXM5", peaks, 3350, "vendor datasheet", false),
                new DeviceRoofs(H100_B, "NVIDIA H100 SXM5", peaks, 3350, "vendor datasheet", false));
    }

    private static List<ReportRow> realRows(int[] batches) {
        List<ReportRow> rows = new ArrayList<>();
        for (int b : batches) {
            for (String d : List.of(H100_A, H100_B)) {
                double k = d.equals(H100_A) ? 1.0 : 0.93;
                rows.add(row("mla-decode-bf16", "attention", b, d, false, "passed", "bf16", k * 12 * b, 4.0 * b,
                        k * 60));
                rows.add(row("moe-gemm-fp8", "moe-gemm", b, d, false, "passed", "fp8", k * 40 * b, 30.0 * b, k * 35));
                rows.add(row("quantize-fp8", "quantize", b, d, false, "passed", "int8", k * 0.4, 0.25, k * 48));
            }
            rows.add(row("mla-decode-bf16", "attention", b, ASCEND, false, "passed", "bf16", 9 * b, 4.0 * b,
                    Double.NaN));
            rows.add(row("moe-gemm-fp8", "moe-gemm", b, ASCEND, false, b == 1 ? "failed-numerics" : "unsupported",
                    "fp8", 0, 30.0 * b, 0));
            rows.add(row("quantize-fp8", "quantize", b, ASCEND, false, b == 32 ? "crashed" : "compile-error", "int8",
                    0, 0.25, 0));
        }
        return rows;
    }
}
