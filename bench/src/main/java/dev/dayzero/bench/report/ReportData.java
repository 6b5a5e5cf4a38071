package dev.dayzero.bench.report;

import java.util.List;

/**
 * Everything a report draws: the merged rows, each device's roofs (devices with no chip-table entry have
 * none), and the provenance line every chart carries in its footer.
 *
 * @param rows    one per case × device (× run, where a device appears in several runs)
 * @param roofs   one per device that matched the chip table
 * @param footer  provenance: tool version, commits, hosts, dates, measurement method
 */
public record ReportData(List<ReportRow> rows, List<DeviceRoofs> roofs, String footer) {
    public ReportData {
        rows = List.copyOf(rows);
        roofs = List.copyOf(roofs);
        footer = footer == null ? "" : footer;
    }
}
