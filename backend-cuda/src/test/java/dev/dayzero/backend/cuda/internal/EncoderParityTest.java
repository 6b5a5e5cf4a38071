package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.QuantizeSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The encoders of {@code quantize.cu}, compiled for the host (src/test/cuda/encode_host.cu), against hal-api's
 * Java codecs: FP8 E4M3FN/E5M2 codes bit for bit ({@link Fp8#encode}), INT8 ({@link QuantizeSpec#encode}) and the
 * UE8M0 power of two ({@link Ue8m0#ceilPowerOfTwo}), over a stride through every F32 bit pattern, every FP8
 * rounding midpoint and its neighbours, and random values. The device build of the same source is what runs on a
 * GPU; this checks the arithmetic, not the GPU.
 */
class EncoderParityTest {

    private static Path harness() {
        String p = System.getProperty("dayzero.cuda.encoderHarness");
        Path path = p == null ? null : Path.of(p);
        if (path == null || !Files.isExecutable(path)) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (new File(d, "nvcc").canExecute()) {
                    fail("nvcc is on PATH but the encoder harness was not built at " + p);
                }
            }
            Assumptions.assumeTrue(false, "nvcc was not on PATH at build time, so the encoder harness was not built");
        }
        return path;
    }

    private static float[] inputs() {
        java.util.List<Float> v = new java.util.ArrayList<>();
        for (long bits = 0; bits <= 0xffffffffL; bits += 65537) {
            float f = Float.intBitsToFloat((int) bits);
            if (!Float.isNaN(f)) {
                v.add(f);
            }
        }
        for (DType fmt : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2}) {
            float[] table = Fp8.decodeTable(fmt);
            for (int c = 0; c < 127; c++) {
                float a = table[c];
                float b = table[c + 1];
                if (Float.isFinite(a) && Float.isFinite(b)) {
                    float mid = (a + b) / 2;
                    for (float x : new float[] {a, mid, Math.nextUp(mid), Math.nextDown(mid)}) {
                        v.add(x);
                        v.add(-x);
                    }
                }
            }
        }
        for (float x = -130f; x <= 130f; x += 0.25f) {
            v.add(x);
        }
        v.add(Float.POSITIVE_INFINITY);
        v.add(Float.NEGATIVE_INFINITY);
        v.add(Float.MIN_VALUE);
        v.add(Float.MAX_VALUE);
        Random r = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            v.add((float) r.nextGaussian() * 300f);
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    @Test
    void deviceEncodersMatchHalApiBitForBit() throws Exception {
        Path exe = harness();
        float[] in = inputs();
        ByteBuffer req = ByteBuffer.allocate(in.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : in) {
            req.putFloat(f);
        }
        Process p = new ProcessBuilder(exe.toString()).start();
        CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> {
            try (InputStream s = p.getInputStream()) {
                return s.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (OutputStream o = p.getOutputStream()) {
            o.write(req.array());
        }
        ByteBuffer res = ByteBuffer.wrap(reply.get()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, p.waitFor());
        assertEquals(in.length * 8, res.capacity());
        QuantizeSpec i8 = new QuantizeSpec(1, 1, DType.F32, DType.I8, QuantizeSpec.perTensor(), DType.F32);
        int checked = 0;
        for (int i = 0; i < in.length; i++) {
            float x = in[i];
            String at = "x=" + x + " (0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + ")";
            assertEquals(Fp8.encode(DType.F8_E4M3FN, x), res.get(8 * i), "E4M3FN " + at);
            assertEquals(Fp8.encode(DType.F8_E5M2, x), res.get(8 * i + 1), "E5M2 " + at);
            assertEquals(i8.encode(x, 1f), res.get(8 * i + 2), "INT8 " + at);
            if (x > 0 && Float.isFinite(x)) {
                assertEquals(Float.floatToRawIntBits(Ue8m0.ceilPowerOfTwo(x)), res.getInt(8 * i + 4), "ceil pow2 " + at);
            }
            checked++;
        }
        assertTrue(checked > 150_000, "checked " + checked);
    }
}
