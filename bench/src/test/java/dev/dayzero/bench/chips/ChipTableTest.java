package dev.dayzero.bench.chips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipSpec.Figure;
import dev.dayzero.bench.chips.ChipSpec.Status;
import dev.dayzero.hal.DeviceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChipTableTest {
    private static final ChipTable TABLE = ChipTable.defaults();

    @TempDir
    Path dir;

    private static String matchId(String backend, String name, String arch) {
        return TABLE.match(backend, name, arch, Map.of()).map(ChipSpec::id).orElse("(none)");
    }

    private static ChipSpec entry(String id) {
        return TABLE.get(id).orElseThrow(() -> new AssertionError("no entry " + id));
    }

    @Test
    void everyRequiredChipHasAnEntry() {
        for (String id : List.of("nvidia-h100-sxm", "nvidia-h100-pcie", "nvidia-h800-sxm", "nvidia-h20",
                "nvidia-h200-sxm", "nvidia-b200", "ascend-910b1", "ascend-910b2", "ascend-910b3", "ascend-910b4",
                "ascend-910c-9391", "cambricon-mlu370-x8", "cambricon-mlu590")) {
            assertTrue(TABLE.get(id).isPresent(), id);
        }
    }

    @Test
    void h100SxmPeaksAreDenseNotSparse() {
        ChipSpec h100 = entry("nvidia-h100-sxm");
        assertEquals(989, h100.peak("bf16").orElseThrow().value());
        assertEquals(989, h100.peak("f16").orElseThrow().value());
        assertEquals(1979, h100.peak("fp8").orElseThrow().value());
        assertEquals(1979, h100.peak("int8").orElseThrow().value());
        assertEquals(Figure.TOPS, h100.peak("int8").orElseThrow().unit());
        assertEquals(67, h100.peak("f32").orElseThrow().value());
        assertEquals(3350, h100.bandwidth().orElseThrow().value());
        assertEquals(80_000_000_000L, h100.memoryBytes().orElseThrow());
        assertEquals(Status.OFFICIAL, h100.peak("bf16").orElseThrow().status());
    }

    @Test
    void chinaVariantsAreNotVendorFigures() {
        for (String id : List.of("nvidia-h800-sxm", "nvidia-h800-pcie", "nvidia-h20")) {
            entry(id).figures().forEach((k, f) -> assertEquals(Status.UNOFFICIAL, f.status(), id + " " + k));
        }
        assertEquals(148, entry("nvidia-h20").peak("bf16").orElseThrow().value());
        assertEquals(4000, entry("nvidia-h20").bandwidth().orElseThrow().value());
    }

    @ParameterizedTest
    @CsvSource({
        "cuda, NVIDIA H100 80GB HBM3, sm_90, nvidia-h100-sxm",
        "cuda, NVIDIA H100 PCIe, sm_90, nvidia-h100-pcie",
        "cuda, NVIDIA H100 NVL, sm_90, nvidia-h100-nvl",
        "cuda, NVIDIA H100 SXM5 64GB, sm_90, nvidia-h100-sxm",
        "cuda, NVIDIA H800, sm_90, nvidia-h800-sxm",
        "cuda, NVIDIA H800 PCIe, sm_90, nvidia-h800-pcie",
        "cuda, NVIDIA H20, sm_90, nvidia-h20",
        "cuda, NVIDIA H200, sm_90, nvidia-h200-sxm",
        "cuda, NVIDIA B200, sm_100, nvidia-b200",
        "ascend, Ascend910B1, Ascend910B1, ascend-910b1",
        "ascend, Ascend910B2C, Ascend910B2C, ascend-910b2",
        "ascend, Ascend910B3, Ascend910B3, ascend-910b3",
        "ascend, Ascend910B4-1, Ascend910B4-1, ascend-910b4",
        "ascend, Ascend910_9392, Ascend910_9392, ascend-910c-9391",
        "ascend, Ascend910_9391, Ascend910_9391, ascend-910c-9391",
        "ascend, Ascend910_9382, Ascend910_9382, ascend-910c-9381",
        "ascend, Ascend910_9363, Ascend910_9363, ascend-910c-9363",
        "cambricon, MLU370-X8, MLU370, cambricon-mlu370-x8",
        "cambricon, Cambricon MLU590, mtp_592, cambricon-mlu590",
        "cambricon, MLU-X, MLU590, cambricon-mlu590",
    })
    void matchesTheNamesBackendsReport(String backend, String name, String arch, String expected) {
        assertEquals(expected, matchId(backend, name, arch));
    }

    @ParameterizedTest
    @CsvSource({
        "cuda, NVIDIA A100-SXM4-80GB, sm_80",
        "cuda, NVIDIA GB200, sm_100",
        "cuda, NVIDIA H200 NVL, sm_90",
        "ascend, Ascend910B, Ascend910B",
        "ascend, Ascend310P3, Ascend310P3",
        "cambricon, MLU370-X4, MLU370",
        "fake, Test double, none",
    })
    void unknownDevicesMatchNothing(String backend, String name, String arch) {
        assertEquals("(none)", matchId(backend, name, arch));
    }

    @Test
    void matchingIsCaseInsensitiveAndWorksFromDeviceInfo() {
        DeviceInfo info = new DeviceInfo("cuda", 0, "NVIDIA", "nvidia h100 pcie", "sm_90", 0, 114, "", "", 0,
                false, Map.of());
        assertEquals("nvidia-h100-pcie", TABLE.match(info).orElseThrow().id());
    }

    @Test
    void everyFigureHasASourceAndDerivedOnesAFormula() {
        int figures = 0;
        for (ChipSpec chip : TABLE.entries()) {
            assertFalse(chip.match().contains().isEmpty() && chip.match().regex().isEmpty(), chip.id());
            for (Map.Entry<String, Figure> e : chip.figures().entrySet()) {
                Figure f = e.getValue();
                figures++;
                assertFalse(f.source().isBlank(), chip.id() + " " + e.getKey());
                if (f.status() == Status.DERIVED) {
                    assertTrue(f.formula().contains("×"), chip.id() + " " + e.getKey() + ": " + f.formula());
                }
                assertNotEquals(Status.ESTIMATED, f.status(), "estimates are made at match time only: " + chip.id());
            }
        }
        assertTrue(figures > 100, "figures: " + figures);
    }

    @Test
    void ascendPerSkuPeaksAreDerivedNeverOfficial() {
        for (String id : List.of("ascend-910b1", "ascend-910b2", "ascend-910b3", "ascend-910b4", "ascend-910c-9391")) {
            ChipSpec chip = entry(id);
            chip.peaks().forEach((p, f) -> assertEquals(Status.DERIVED, f.status(), id + " " + p));
            assertTrue(chip.peak("fp8").isEmpty(), id + " has no FP8");
            assertTrue(chip.absent().get("fp8").contains("950"), id);
        }
        // 24 cube cores × 1850 MHz × 4096 MAC × 2 = 363.7 TFLOP/s; 20 × 1800 MHz: 294.9
        assertEquals(363.7, entry("ascend-910b1").peak("bf16").orElseThrow().value(), 0.05);
        assertEquals(294.9, entry("ascend-910b3").peak("bf16").orElseThrow().value(), 0.05);
        assertEquals(2 * 294.9, entry("ascend-910b3").peak("int8").orElseThrow().value(), 0.1);
        assertTrue(entry("ascend-910b1").bandwidth().isEmpty(), "910B bandwidth is unconfirmed: no figure");
        assertEquals(64L << 30, entry("ascend-910b1").memoryBytes().orElseThrow());
        assertEquals(32L << 30, entry("ascend-910b4").memoryBytes().orElseThrow());
    }

    @Test
    void ascend910cIsOneDiePerDevice() {
        ChipSpec die = entry("ascend-910c-9391");
        assertEquals(363.7, die.peak("bf16").orElseThrow().value(), 0.05, "one die, not the ~800 TF package");
        Figure bw = die.bandwidth().orElseThrow();
        assertEquals(1600, bw.value());
        assertEquals(Status.UNOFFICIAL, bw.status());
        assertTrue(bw.formula().contains("÷ 2"), bw.formula());
    }

    @Test
    void mlu590FiguresAreAllUnconfirmed() {
        ChipSpec mlu590 = entry("cambricon-mlu590");
        assertFalse(mlu590.figures().isEmpty());
        mlu590.figures().forEach((k, f) -> assertEquals(Status.UNCONFIRMED, f.status(), k));
        assertTrue(mlu590.usablePeaks().isEmpty());
    }

    @Test
    void overrideFileAddsAndReplacesEntries() throws IOException {
        Path file = dir.resolve("chips.json");
        Files.writeString(file, """
                {"schema": "dayzero.chips/1", "chips": [
                  {"id": "nvidia-h20", "name": "NVIDIA H20 (141 GB refresh)", "vendor": "NVIDIA",
                   "match": {"regex": ["\\\\bH20\\\\b"]},
                   "peaks": {"bf16": {"value": 148, "unit": "TFLOP/s", "status": "unofficial", "source": "my lab"}},
                   "bandwidth": {"value": 4800, "unit": "GB/s", "status": "unofficial", "source": "my lab"}},
                  {"id": "ascend-910b3-lab", "name": "Ascend 910B3 (lab)", "vendor": "Huawei",
                   "match": {"contains": ["Ascend910B3"]},
                   "peaks": {"bf16": {"value": 294.9, "unit": "TFLOP/s", "status": "derived", "source": "ini",
                                      "formula": "20 × 1800 MHz × 4096 × 2"}},
                   "bandwidth": {"value": 1600, "unit": "GB/s", "status": "unofficial", "source": "my lab"}}
                ]}
                """);
        ChipTable table = TABLE.withOverrides(file);
        assertEquals(TABLE.entries().size() + 1, table.entries().size());
        ChipSpec h20 = table.get("nvidia-h20").orElseThrow();
        assertEquals(4800, h20.bandwidth().orElseThrow().value());
        assertTrue(h20.peak("fp8").isEmpty(), "a replaced entry is replaced whole");
        assertEquals("nvidia-h20", table.match("cuda", "NVIDIA H20", "sm_90", Map.of()).orElseThrow().id());
        // the same match length as the default 910B3 entry: the override wins the tie
        assertEquals("ascend-910b3-lab", table.match("ascend", "Ascend910B3", "Ascend910B3", Map.of()).orElseThrow().id());
        assertEquals(4000, TABLE.get("nvidia-h20").orElseThrow().bandwidth().orElseThrow().value(), "defaults untouched");
    }

    private String overrideError(String chipsArray) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"schema\": \"dayzero.chips/1\", \"chips\": [" + chipsArray + "]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TABLE.withOverrides(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    private static final String OK_FIGURE = "{\"value\": 1, \"unit\": \"TFLOP/s\", \"status\": \"official\", \"source\": \"s\"}";

    @Test
    void malformedOverrideNamesTheFileAndTheField() throws IOException {
        String head = "{\"id\": \"x\", \"name\": \"X\", \"match\": {\"contains\": [\"X\"]}, ";
        assertTrue(overrideError(head + "\"peaks\": {\"bf16\": {\"value\": 1, \"unit\": \"TFLOP/s\", \"status\": \"vendor\", "
                + "\"source\": \"s\"}}}").contains("chips[0].peaks.bf16.status"));
        assertTrue(overrideError(head + "\"peaks\": {\"bf16\": {\"value\": -3, \"unit\": \"TFLOP/s\", \"status\": \"official\", "
                + "\"source\": \"s\"}}}").contains("chips[0].peaks.bf16.value"));
        assertTrue(overrideError(head + "\"peaks\": {\"bf16\": {\"value\": 1, \"unit\": \"TFLOP/s\", \"status\": \"official\"}}}")
                .contains("chips[0].peaks.bf16.source"));
        assertTrue(overrideError(head + "\"peaks\": {\"bf16\": {\"value\": 1, \"unit\": \"TFLOP/s\", \"status\": \"derived\", "
                + "\"source\": \"s\"}}}").contains("chips[0].peaks.bf16.formula"));
        assertTrue(overrideError(head + "\"peaks\": {\"fp4\": " + OK_FIGURE + "}}").contains("chips[0].peaks.fp4"));
        assertTrue(overrideError(head + "\"bandwith\": " + OK_FIGURE + "}").contains("chips[0].bandwith"));
        assertTrue(overrideError(head + "\"bandwidth\": " + OK_FIGURE + "}").contains("chips[0].bandwidth.unit"));
        assertTrue(overrideError("{\"name\": \"X\", \"match\": {\"contains\": [\"X\"]}}").contains("chips[0].id"));
        assertTrue(overrideError("{\"id\": \"x\", \"name\": \"X\", \"match\": {\"regex\": [\"(\"]}}")
                .contains("chips[0].match.regex[0]"));
        assertTrue(overrideError(OK_FIGURE.replace("value", "id")).contains("chips[0]"));
    }

    @Test
    void overrideFileWithWrongSchemaOrBadJsonIsRefused() throws IOException {
        Path wrong = dir.resolve("wrong.json");
        Files.writeString(wrong, "{\"schema\": \"dayzero.chips/2\", \"chips\": []}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TABLE.withOverrides(wrong)).getMessage()
                .contains("schema"));
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"schema\": ");
        String msg = assertThrows(IllegalArgumentException.class, () -> TABLE.withOverrides(broken)).getMessage();
        assertTrue(msg.startsWith(broken.toString()) && msg.contains("not valid JSON"), msg);
        Path missing = dir.resolve("missing.json");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TABLE.withOverrides(missing)).getMessage()
                .startsWith(missing.toString()));
    }

    @Test
    void figureRefusesDerivedWithoutFormula() {
        assertThrows(IllegalArgumentException.class, () -> new Figure(1, Figure.TFLOPS, Status.DERIVED, "s", ""));
        assertThrows(IllegalArgumentException.class, () -> new Figure(1, Figure.TFLOPS, Status.OFFICIAL, " ", ""));
        assertEquals(Optional.of(Status.UNCONFIRMED), Status.of("unconfirmed"));
        assertFalse(Status.UNCONFIRMED.usable());
    }
}
