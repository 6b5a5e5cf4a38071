package dev.dayzero.backend.cambricon.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
import dev.dayzero.hal.Calibration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MLU calibration through the ABI test double. The double is not a chip: {@link CambriconDevice#calibration()}
 * is empty on it, and the runs below check which CNRT / CNNL calls the measurement makes and that everything is
 * freed, NOT a speed (its figures are host timings of a test double and are never reported).
 */
class CambriconCalibrationTest {
    private static final String[] KINDS = {"memory", "queue", "notifier", "handle", "tensor", "matmul_desc",
        "matmul_algo", "heuristic"};
    private static final double TINY = 1e-6;
    private FakeDouble fake;
    private CambriconDevice device;

    @BeforeEach
    void open() {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        fake = FakeDouble.load();
        fake.fake_reset();
    }

    private void openAt(int major) {
        fake.fake_set_capability(major, 0);
        device = CambriconDevice.open(NativeLibraries.load(List.of(FakeDouble.DIR)).loaded().orElseThrow(), 0);
    }

    @AfterEach
    void closeAndCountLive() {
        fake.fake_set_capability(5, 0);
        if (device == null) {
            return;
        }
        device.close();
        for (String kind : KINDS) {
            assertEquals(0, fake.fake_live(kind), kind + " still live after the device closed");
        }
        assertEquals(0, fake.fake_live_bytes());
    }

    @Test
    void theTestDoubleIsNeverCalibrated() {
        openAt(5);
        assertTrue(device.info().emulated());
        assertTrue(device.calibration().isEmpty(), "a test double's timings are not an MLU's");
    }

    @Test
    void gemmEdgeHalvesUntilItFitsInHalfTheFreeMemory() {
        assertEquals(8192, CambriconCalibration.edge(8192, 48L << 30));
        assertEquals(4096, CambriconCalibration.edge(8192, 512L << 20));
        assertEquals(128, CambriconCalibration.edge(8192, 1L << 10));
    }

    @Test
    void callsAndFreesOnTheDoubleOnlyNotASpeed() {
        openAt(5);
        CambriconCalibration c = new CambriconCalibration(device);
        Calibration.Roofs roofs = c.measure(TINY);
        // lowest effort: 3 timed copies after one warm-up, each read by the software timer; 2 × 2 timed matmuls
        // after 2, each repetition read by the hardware timer
        assertEquals(4, fake.fake_calls("cnrtMemcpyAsync_V3"));
        assertEquals(1, fake.fake_noted("cnrtMemcpyAsync_V3.dir"), "cnrtMemcpyDevToDev");
        assertEquals(3, fake.fake_calls("cnrtNotifierElapsedTime"), "copies read by software time");
        assertEquals(2, fake.fake_calls("cnrtNotifierDuration"), "kernels read by hardware time");
        assertEquals(6, fake.fake_calls("cnnlMatMul_v2"));
        assertEquals(1, fake.fake_calls("cnrtMemGetInfo"));
        assertEquals(Set.of("bf16"), roofs.peaks().keySet());
        Calibration.Figure bw = roofs.bandwidth().orElseThrow();
        assertTrue(bw.method().startsWith("cnrtMemcpyAsync_V3 cnrtMemcpyDevToDev") && bw.method().contains("copy of 1 MiB"),
                bw.method());
        String gemm = roofs.peaks().get("bf16").method();
        assertTrue(gemm.startsWith("cnnlMatMul_v2") && gemm.contains("m=128 n=128 k=128"), gemm);
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("fp8 not measured")), c.notes().toString());
        assertEquals(0, device.allocatedBytes(), "every buffer freed");
        assertEquals(0, fake.fake_live_bytes(), "every allocation freed before the device closes");
    }

    @Test
    void withoutBf16TheNotesSayWhyAndOnlyBandwidthIsMeasured() {
        openAt(3);
        CambriconCalibration c = new CambriconCalibration(device);
        Calibration.Roofs roofs = c.measure(TINY);
        assertTrue(roofs.peaks().isEmpty());
        assertTrue(roofs.bandwidth().isPresent());
        assertEquals(0, fake.fake_calls("cnnlMatMul_v2"));
        assertTrue(c.notes().get(0).startsWith("bf16 not measured") && c.notes().get(0).contains("BF16"),
                c.notes().toString());
    }
}
