package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.Families;
import dev.dayzero.bench.report.ReportRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The categories of a per-case chart (bars, support matrix) and how they are split over chart files.
 *
 * <p>A chart holds at most {@code perPage} categories. When there are more, they are split by operator family
 * into numbered pages. When even that would take more than {@link #MAX_PAGES} pages per chart kind, one
 * category per operator replaces one per case, its cell reduced over the operator's cases (a median, the most
 * severe status: the caller decides and says so in a subtitle); the full per-case figures stay in the tables.
 */
final class CaseGrid {
    /** The most pages one chart kind is split into before cases are aggregated per operator. */
    static final int MAX_PAGES = 6;

    /** One category (a bar group or a matrix row): its label, operator family, and a cell per device. */
    record Category<V>(String label, String family, Map<String, V> cells) {
    }

    /** One chart file's share of the categories. */
    record Page<V>(String idSuffix, String titleSuffix, List<Category<V>> categories) {
    }

    /**
     * The pages of one chart kind.
     *
     * @param cases      how many cases had a cell
     * @param aggregated true when categories are operators rather than cases
     */
    record Layout<V>(List<Page<V>> pages, boolean aggregated, int cases) {
    }

    private CaseGrid() {
    }

    /**
     * Lays out {@code rows}: {@code cell} gives a row's cell, or null to leave the row out; {@code reduce} merges
     * the cells that fall into one category and device.
     */
    static <V> Layout<V> layout(List<ReportRow> rows, Function<ReportRow, V> cell, Function<List<V>, V> reduce,
                                int perPage) {
        List<Category<V>> perCase = categories(rows, cell, reduce, false);
        List<Page<V>> pages = pages(perCase, perPage);
        if (pages.size() <= MAX_PAGES) {
            return new Layout<>(pages, false, perCase.size());
        }
        return new Layout<>(pages(categories(rows, cell, reduce, true), perPage), true, perCase.size());
    }

    private static <V> List<Category<V>> categories(List<ReportRow> rows, Function<ReportRow, V> cell,
                                                    Function<List<V>, V> reduce, boolean perOperator) {
        Map<String, Map<String, List<V>>> cells = new LinkedHashMap<>();
        Map<String, ReportRow> first = new HashMap<>();
        for (ReportRow r : rows) {
            // every key takes its place in the order of first appearance, with or without a cell
            String key = perOperator ? r.model() + "\u0000" + r.phase() + "\u0000" + operator(r) : r.caseId();
            Map<String, List<V>> byDevice = cells.computeIfAbsent(key, k -> new LinkedHashMap<>());
            V v = cell.apply(r);
            if (v != null) {
                first.putIfAbsent(key, r);
                byDevice.computeIfAbsent(r.device(), d -> new ArrayList<>()).add(v);
            }
        }
        cells.values().removeIf(Map::isEmpty);
        Map<String, String> labels = uniqueLabels(first, perOperator);
        Map<String, List<Category<V>>> byFamily = new LinkedHashMap<>();
        for (var e : cells.entrySet()) {
            Map<String, V> reduced = new LinkedHashMap<>();
            e.getValue().forEach((device, vs) -> reduced.put(device, reduce.apply(vs)));
            String family = first.get(e.getKey()).family().isEmpty() ? "other" : first.get(e.getKey()).family();
            byFamily.computeIfAbsent(family, f -> new ArrayList<>())
                    .add(new Category<>(labels.get(e.getKey()), family, reduced));
        }
        return byFamily.values().stream().flatMap(List::stream).toList();
    }

    /** Short labels ({@code mla-decode-bf16 b8}); where two keys share one, the longer form, then a number. */
    private static Map<String, String> uniqueLabels(Map<String, ReportRow> first, boolean perOperator) {
        Map<String, String> labels = new LinkedHashMap<>();
        first.forEach((key, r) -> labels.put(key, perOperator ? operator(r)
                : operator(r) + (r.batch() > 0 ? " b" + r.batch() : "")));
        Map<String, Long> counts = count(labels);
        first.forEach((key, r) -> {
            if (counts.get(labels.get(key)) > 1) {
                labels.put(key, perOperator ? String.join(" ", r.model(), r.phase(), operator(r)).trim() : r.caseId());
            }
        });
        Map<String, Long> again = count(labels);
        Map<String, Integer> seen = new HashMap<>();
        labels.replaceAll((key, label) -> again.get(label) > 1 ? label + " #" + seen.merge(label, 1, Integer::sum)
                : label);
        return labels;
    }

    private static Map<String, Long> count(Map<String, String> labels) {
        Map<String, Long> counts = new HashMap<>();
        labels.values().forEach(l -> counts.merge(l, 1L, Long::sum));
        return counts;
    }

    static String operator(ReportRow r) {
        return r.operator().isEmpty() ? r.family() : r.operator();
    }

    private static <V> List<Page<V>> pages(List<Category<V>> categories, int perPage) {
        if (categories.size() <= perPage) {
            return List.of(new Page<>("", "", categories));
        }
        Map<String, List<Category<V>>> byFamily = new LinkedHashMap<>();
        categories.forEach(c -> byFamily.computeIfAbsent(c.family(), f -> new ArrayList<>()).add(c));
        List<Page<V>> pages = new ArrayList<>();
        byFamily.forEach((family, cats) -> {
            int parts = (cats.size() + perPage - 1) / perPage;
            int size = (cats.size() + parts - 1) / parts;
            for (int k = 0; k < parts; k++) {
                List<Category<V>> part = cats.subList(k * size, Math.min(cats.size(), (k + 1) * size));
                String id = "-" + ChartStyle.slug(family) + (parts > 1 ? "-" + (k + 1) : "");
                String title = " — " + Families.title(family) + (parts > 1 ? " (part " + (k + 1) + " of " + parts + ")" : "");
                pages.add(new Page<>(id, title, List.copyOf(part)));
            }
        });
        return pages;
    }
}
