package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import dev.dayzero.backend.cuda.jna.CublasLt;
import dev.dayzero.backend.cuda.jna.CudaDriver;
import dev.dayzero.backend.cuda.jna.CudaLibraries;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.Probe;
import dev.dayzero.hal.Stream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Against the real libcuda.so.1 (and cuBLASLt where found): every bound symbol resolves, and the device layer works. */
@Tag("gpu")
class RealCudaBindingTest {

    private static CudaLibraries.Result libraries() {
        CudaLibraries.Result r = CudaLibraries.load(CudaConfig.resolve());
        Assumptions.assumeTrue(r.driver().isPresent(), r.driverReason());
        return r;
    }

    private static List<String> unresolved(String origin, Class<?> binding) {
        NativeLibrary lib = NativeLibrary.getInstance(origin);
        List<String> missing = new ArrayList<>();
        for (Method m : binding.getDeclaredMethods()) {
            try {
                lib.getFunction(m.getName());
            } catch (UnsatisfiedLinkError e) {
                missing.add(m.getName());
            }
        }
        return missing;
    }

    @Test
    void everyDriverFunctionResolves() {
        CudaLibraries.Result r = libraries();
        assertEquals(List.of(), unresolved(r.driver().get().origin(), CudaDriver.class));
    }

    @Test
    void everyCublasLtFunctionResolves() {
        CudaLibraries.Result r = libraries();
        Assumptions.assumeTrue(r.cublasLt().isPresent(), r.cublasLtReason());
        assertEquals(List.of(), unresolved(r.cublasLt().get().origin(), CublasLt.class));
        assertTrue(r.cublasLt().get().api().cublasLtGetVersion() > 0);
    }

    @Test
    void deviceRoundTripTimingAndGraphReplay() {
        Probe p = new CudaBackendProvider().probe();
        Assumptions.assumeTrue(p.available(), p.reason());
        DeviceInfo info = p.devices().get(0);
        // safety net: Surefire runs the gpu tag in its own JVM (pom), where the emulator's libcuda.so.1 is never loaded
        Assumptions.assumeFalse(info.emulated(), "the CUDA driver found is the emulator, not a GPU");
        assertTrue(info.architecture().startsWith("sm_"), info.architecture());
        assertTrue(info.computeUnits() > 0 && info.memoryBytes() > 0 && info.l2Bytes() > 0, info.toString());
        assertFalse(info.emulated());
        try (Device d = new CudaBackendProvider().open(0)) {
            DeviceBuffer a = d.allocate(4096);
            DeviceBuffer b = d.allocate(4096);
            ByteBuffer src = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < 4096; i++) {
                src.put(i, (byte) i);
            }
            a.write(0, src);
            Stream s = d.newStream();
            Event start = d.newEvent();
            Event end = d.newEvent();
            s.record(start);
            b.fill(s, (byte) 7);
            s.record(end);
            end.synchronize();
            assertTrue(end.millisSince(start) >= 0);
            ByteBuffer back = ByteBuffer.allocate(4096);
            b.read(0, back);
            assertEquals(7, back.get(4095));
            GraphCapture.Graph g = d.graphCapture().orElseThrow().capture(s, () -> b.copyFrom(s, a));
            g.replay(s);
            s.synchronize();
            b.read(0, back);
            assertEquals((byte) 200, back.get(200));
            assertEquals(8192, d.allocatedBytes());
            a.close();
            a.close();
            assertEquals(4096, d.allocatedBytes());
        }
    }
}
