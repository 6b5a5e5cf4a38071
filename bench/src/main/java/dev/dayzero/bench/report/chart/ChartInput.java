package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.DeviceRoofs;
import dev.dayzero.bench.report.ReportData;
import dev.dayzero.bench.report.ReportRow;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the charts may draw, after the emulator rule: when real and emulated results are both present only the
 * real ones are kept (and {@link #leftOutNote()} says so); when only emulated results exist they are kept and
 * every title is marked {@link #EMULATED}.
 *
 * @param rows          the rows to draw
 * @param roofs         the roofs to draw
 * @param devices       the device labels of {@code rows} and {@code roofs}, in first-appearance order
 * @param colours       one colour per device label of the whole report, the same in every chart
 * @param emulatedOnly  true when everything drawn comes from emulators or test doubles
 * @param leftOutNote   why some results are not drawn, if any were left out
 * @param footer        the provenance line
 */
record ChartInput(List<ReportRow> rows, List<DeviceRoofs> roofs, List<String> devices, Map<String, Color> colours,
                  boolean emulatedOnly, Optional<String> leftOutNote, String footer) {

    /** The mark every chart title carries when it draws emulated results. */
    static final String EMULATED = "EMULATED / TEST DOUBLE — not a chip's speed";

    static ChartInput of(ReportData data) {
        Set<String> all = new LinkedHashSet<>();
        data.rows().forEach(r -> all.add(r.device()));
        data.roofs().forEach(r -> all.add(r.device()));
        Map<String, Color> colours = new LinkedHashMap<>();
        for (String device : all) {
            colours.put(device, ChartStyle.DEVICE_PALETTE.get(colours.size() % ChartStyle.DEVICE_PALETTE.size()));
        }
        boolean anyReal = data.rows().stream().anyMatch(r -> !r.emulated())
                || data.roofs().stream().anyMatch(r -> !r.emulated());
        boolean anyEmulated = data.rows().stream().anyMatch(ReportRow::emulated)
                || data.roofs().stream().anyMatch(DeviceRoofs::emulated);
        List<ReportRow> rows = new ArrayList<>(data.rows());
        List<DeviceRoofs> roofs = new ArrayList<>(data.roofs());
        Optional<String> note = Optional.empty();
        if (anyReal && anyEmulated) {
            Set<String> leftOut = new LinkedHashSet<>();
            rows.stream().filter(ReportRow::emulated).forEach(r -> leftOut.add(r.device()));
            roofs.stream().filter(DeviceRoofs::emulated).forEach(r -> leftOut.add(r.device()));
            long count = rows.stream().filter(ReportRow::emulated).count();
            rows.removeIf(ReportRow::emulated);
            roofs.removeIf(DeviceRoofs::emulated);
            note = Optional.of("Emulated / test-double results left out (" + count + " rows from " + leftOut.size()
                    + (leftOut.size() == 1 ? " device" : " devices") + "): they are not a chip's speed");
        }
        Set<String> devices = new LinkedHashSet<>();
        rows.forEach(r -> devices.add(r.device()));
        roofs.forEach(r -> devices.add(r.device()));
        return new ChartInput(List.copyOf(rows), List.copyOf(roofs), List.copyOf(devices), Map.copyOf(colours),
                anyEmulated && !anyReal, note, data.footer());
    }

    /**
     * The input of the support matrix: every row, emulated devices included (a support answer or a crash is no
     * speed, and an emulator's crash is worth seeing), each emulated device's column labelled {@code [emulated]}.
     */
    static ChartInput forSupport(ReportData data) {
        ChartInput all = of(data);
        List<ReportRow> rows = new ArrayList<>();
        for (ReportRow r : data.rows()) {
            rows.add(r.emulated() && !r.device().endsWith(EMULATED_COLUMN) ? relabel(r, r.device() + EMULATED_COLUMN) : r);
        }
        Set<String> devices = new LinkedHashSet<>();
        rows.forEach(r -> devices.add(r.device()));
        boolean anyReal = rows.stream().anyMatch(r -> !r.emulated());
        boolean anyEmulated = rows.stream().anyMatch(ReportRow::emulated);
        return new ChartInput(List.copyOf(rows), all.roofs(), List.copyOf(devices), all.colours(),
                anyEmulated && !anyReal, Optional.empty(), all.footer());
    }

    /** The mark on an emulated device's column in the support matrix. */
    static final String EMULATED_COLUMN = " [emulated]";

    private static ReportRow relabel(ReportRow r, String device) {
        return new ReportRow(r.caseId(), r.model(), r.phase(), r.operator(), r.family(), r.batch(), device, r.host(),
                r.date(), r.emulated(), r.status(), r.message(), r.precision(), r.medianMs(), r.tflops(), r.gbps(),
                r.intensity(), r.percentOfRoofline(), r.boundBy(), r.origin(), r.manifest());
    }

    /** The title as drawn: {@code base}, marked when the chart shows emulated results only. */
    String title(String base) {
        return emulatedOnly ? base + " — " + EMULATED : base;
    }

    Color colour(String device) {
        return colours.getOrDefault(device, Color.GRAY);
    }
}
