package dev.dayzero.backend.cpu.internal.simd;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.Arrays;
import java.util.Random;

/**
 * Every {@link Simd} method of the Vector API implementation against the plain loops, as a program: run by
 * {@link NewerJdkSimdTest} on each newer JDK of the machine, since the incubating API changes between releases
 * (a method the JDK 17 build links against may be gone: {@code ShortVector.fromByteArray} after JDK 19). Prints
 * one line per mismatch and exits 1 on any, 2 if the Vector API path was not the one running.
 */
public final class SimdSmoke {
    private static int failures;

    private SimdSmoke() {
    }

    public static void main(String[] args) {
        Simd v = Simds.create(new CpuConfig(1, true));
        Simd p = Simds.create(new CpuConfig(1, false));
        if (v.name().equals(p.name())) {
            System.out.println("the Vector API path is not running: " + v.name());
            System.exit(2);
        }
        Random rnd = new Random(3);
        int k = 1024;
        byte[] codes = new byte[2 * 8 * k + 64];
        for (int i = 0; i < codes.length; i++) {
            int c = rnd.nextInt(256);
            codes[i] = (byte) ((c & 0x7f) == 0x7f ? c & 0xfe : c);
        }
        float[] x = new float[8 * k + 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] scales = new float[64];
        Arrays.fill(scales, 0.01f);

        float[] a = new float[k];
        float[] b = new float[k];
        v.bf16ToF32(codes, 2, a, 0, k - 3);
        p.bf16ToF32(codes, 2, b, 0, k - 3);
        same("bf16ToF32", a, b, 0);
        v.e4m3ToF32(codes, 1, a, 0, k - 3);
        p.e4m3ToF32(codes, 1, b, 0, k - 3);
        same("e4m3ToF32", a, b, 0);
        v.e4m3ToF32Scaled(codes, 1, a, 0, k - 3, 0.37f);
        p.e4m3ToF32Scaled(codes, 1, b, 0, k - 3, 0.37f);
        same("e4m3ToF32Scaled", a, b, 0);
        float[] a2 = new float[2 * k];
        float[] b2 = new float[2 * k];
        v.e2m1ToF32Split(codes, 1, a2, 0, 64, 0.25f);
        p.e2m1ToF32Split(codes, 1, b2, 0, 64, 0.25f);
        same("e2m1ToF32Split", a2, b2, 0);
        v.i8ToF32(codes, 1, a, 0, k - 3);
        p.i8ToF32(codes, 1, b, 0, k - 3);
        same("i8ToF32", a, b, 0);
        close("dotE4m3Scaled", v.dotE4m3Scaled(codes, 0, x, 0, k, scales, 0), p.dotE4m3Scaled(codes, 0, x, 0, k, scales, 0));
        float[] xi = new float[k];
        for (int i = 0; i < k; i++) {
            xi[i] = rnd.nextInt(255) - 127;
        }
        close("dotI8", v.dotI8(codes, 0, xi, 0, k), p.dotI8(codes, 0, xi, 0, k));
        close("reluDot", v.reluDot(k - 5, x, 0, x, 7), p.reluDot(k - 5, x, 0, x, 7));
        close("amax", v.amax(x, 3, k - 7), p.amax(x, 3, k - 7));
        close("amaxBf16", v.amaxBf16(codes, 2, k - 7), p.amaxBf16(codes, 2, k - 7));

        float[] cv = new float[64 * 64];
        float[] cp = new float[64 * 64];
        v.gemm(13, 37, 50, x, 0, 50, 1, x, 900, 37, cv, 0, 37);
        p.gemm(13, 37, 50, x, 0, 50, 1, x, 900, 37, cp, 0, 37);
        same("gemm", cv, cp, 1e-4f);
        Arrays.fill(cv, 0f);
        Arrays.fill(cp, 0f);
        v.gemmNT(7, 11, 300, x, 0, 300, x, 2200, 300, cv, 0, 11);
        p.gemmNT(7, 11, 300, x, 0, 300, x, 2200, 300, cp, 0, 11);
        same("gemmNT", cv, cp, 1e-4f);

        float[] pv = new float[16 * v.partialWidth()];
        float[] pp = new float[16];
        v.dot8x2E4m3(k, x, 0, k, codes, 0, k, scales, 0, pv, 0);
        p.dot8x2E4m3(k, x, 0, k, codes, 0, k, scales, 0, pp, 0);
        same("dot8x2E4m3", sums(pv, v.partialWidth()), pp, 1e-4f);
        float[] xs = new float[8 * k];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = rnd.nextInt(255) - 127;
        }
        Arrays.fill(pv, 0f);
        Arrays.fill(pp, 0f);
        v.dot8x2I8(k, xs, 0, k, codes, 0, k, pv, 0);
        p.dot8x2I8(k, xs, 0, k, codes, 0, k, pp, 0);
        same("dot8x2I8", sums(pv, v.partialWidth()), pp, 0);
        float[] ov = new float[4];
        float[] op = new float[4];
        v.dot1x4E4m3(k, x, 0, codes, 0, k, scales, 0, ov, 0);
        p.dot1x4E4m3(k, x, 0, codes, 0, k, scales, 0, op, 0);
        same("dot1x4E4m3", ov, op, 1e-4f);
        // the prescaled tiles: X with the scales folded in (each implementation's own interleaving)
        float[] xiv = new float[8 * k];
        float[] xip = new float[8 * k];
        if (!v.interleave8Scaled(x, 0, k, k, scales, 0, xiv) || !p.interleave8Scaled(x, 0, k, k, scales, 0, xip)) {
            throw new AssertionError("interleave8Scaled refused small scales");
        }
        Arrays.fill(pv, 0f);
        Arrays.fill(pp, 0f);
        v.dot8x2E4m3Prescaled(k, xiv, 0, codes, 0, k, pv, 0);
        p.dot8x2E4m3Prescaled(k, xip, 0, codes, 0, k, pp, 0);
        same("dot8x2E4m3Prescaled", sums(pv, v.partialWidth()), pp, 1e-4f);
        float[] x1 = new float[k];
        for (int i = 0; i < k; i++) {
            x1[i] = x[i] * (scales[i / 128] * 0x1p120f);
        }
        v.dot1x4E4m3Prescaled(k, x1, 0, codes, 0, k, ov, 0);
        p.dot1x4E4m3Prescaled(k, x1, 0, codes, 0, k, op, 0);
        same("dot1x4E4m3Prescaled", ov, op, 1e-4f);
        float[] ov8 = new float[8];
        float[] op8 = new float[8];
        v.dot1x8E4m3Prescaled(k, x1, 0, codes, 0, k, ov8, 0);
        p.dot1x8E4m3Prescaled(k, x1, 0, codes, 0, k, op8, 0);
        same("dot1x8E4m3Prescaled", ov8, op8, 1e-4f);
        v.dot1x8I8(k, x1, 0, codes, 0, k, ov8, 0);
        p.dot1x8I8(k, x1, 0, codes, 0, k, op8, 0);
        same("dot1x8I8", ov8, op8, 1e-4f);
        byte[] ue = new byte[4 * k / 32];
        for (int i = 0; i < ue.length; i++) {
            ue[i] = (byte) (110 + rnd.nextInt(20));
        }
        v.dot1x4E2m1(k, x, 0, codes, 0, k / 2, ue, 0, k / 32, ov, 0);
        p.dot1x4E2m1(k, x, 0, codes, 0, k / 2, ue, 0, k / 32, op, 0);
        same("dot1x4E2m1", ov, op, 1e-4f);
        float[] xsplit = new float[k]; // each implementation's pair-split order
        for (Simd impl : new Simd[] {v, p}) {
            int block = 2 * impl.partialWidth();
            for (int q = 0; q < k; q++) {
                int q0 = q / block * block;
                xsplit[q0 + ((q - q0) % 2) * (block / 2) + (q - q0) / 2] = x[q];
            }
            impl.dot1x4Bf16(k, xsplit, 0, codes, 0, k, impl == v ? ov : op, 0);
        }
        same("dot1x4Bf16", ov, op, 1e-4f);
        float[] ov8b = new float[8];
        float[] op8b = new float[8];
        byte[] bw = new byte[2 * 8 * k]; // eight rows of finite values (random codes as BF16 overflow some sums)
        for (int i = 0; i < 8 * k; i++) {
            short b16 = dev.dayzero.hal.Bf16.encode((float) rnd.nextGaussian());
            bw[2 * i] = (byte) b16;
            bw[2 * i + 1] = (byte) (b16 >> 8);
        }
        for (Simd impl : new Simd[] {v, p}) {
            float[] xs8 = new float[k];
            for (int i = 0; i < k; i++) {
                xs8[Simd.pairSplit(i, impl.partialWidth())] = x[i];
            }
            impl.dot1x8Bf16(k, xs8, 0, bw, 0, k, impl == v ? ov8b : op8b, 0);
        }
        same("dot1x8Bf16", ov8b, op8b, 1e-4f);
        Arrays.fill(pv, 0f);
        Arrays.fill(pp, 0f);
        float[] unit = new float[k / 128];
        Arrays.fill(unit, 0x1p-120f); // interleaved without scaling
        v.interleave8Scaled(x, 0, k, k, unit, 0, xiv);
        p.interleave8Scaled(x, 0, k, k, unit, 0, xip);
        v.dot8x1E2m1(k, xiv, 0, codes, 0, ue, 0, pv, 0);
        p.dot8x1E2m1(k, xip, 0, codes, 0, ue, 0, pp, 0);
        same("dot8x1E2m1", sums(pv, v.partialWidth()), pp, 1e-4f);
        Arrays.fill(pv, 0f);
        Arrays.fill(pp, 0f);
        for (Simd impl : new Simd[] {v, p}) { // each implementation's own pair-split interleaving of eight rows
            int pw = impl.partialWidth();
            float[] xi8 = impl == v ? xiv : xip;
            for (int i = 0; i < 8; i++) {
                for (int q0 = 0; q0 < k; q0++) {
                    int blk = q0 - q0 % (2 * pw);
                    int q = blk + ((q0 - blk) % 2) * pw + (q0 - blk) / 2;
                    xi8[((q / pw) * 8 + i) * pw + q % pw] = x[i * k + q0];
                }
            }
            impl.dot8x1Bf16(k, xi8, 0, codes, 0, impl == v ? pv : pp, 0);
        }
        same("dot8x1Bf16", sums(pv, v.partialWidth()), pp, 1e-4f);
        v.dot1x4I8(k, xs, 0, codes, 0, k, ov, 0);
        p.dot1x4I8(k, xs, 0, codes, 0, k, op, 0);
        same("dot1x4I8", ov, op, 0);

        for (DType format : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2, DType.I8}) {
            QuantizeSpec spec = new QuantizeSpec(1, k, DType.BF16, format, QuantizeSpec.perToken(), DType.F32);
            byte[] qv = new byte[k];
            byte[] qp = new byte[k];
            v.encode(spec, x, 1, k - 3, 0.01f, qv, 0);
            p.encode(spec, x, 1, k - 3, 0.01f, qp, 0);
            same("encode " + format, qv, qp);
            v.encodeBf16(spec, codes, 2, k - 3, 0.01f, qv, 0);
            p.encodeBf16(spec, codes, 2, k - 3, 0.01f, qp, 0);
            same("encodeBf16 " + format, qv, qp);
            float[] sv = new float[k];
            float[] sp = new float[k];
            v.quantizeRowBf16(spec, codes, 2, k - 3, 64, sv, qv, 0);
            p.quantizeRowBf16(spec, codes, 2, k - 3, 64, sp, qp, 0);
            same("quantizeRowBf16 " + format, qv, qp);
            same("quantizeRowBf16 scales " + format, sv, sp, 0);
            // whole units of 64 columns: the vector path's one loop over the row
            v.quantizeRowBf16(spec, codes, 2, 64 * ((k - 3) / 64), 64, sv, qv, 0);
            p.quantizeRowBf16(spec, codes, 2, 64 * ((k - 3) / 64), 64, sp, qp, 0);
            same("quantizeRowBf16 whole units " + format, qv, qp);
            same("quantizeRowBf16 whole units scales " + format, sv, sp, 0);
        }
        float[] stv = java.util.Arrays.copyOf(x, 48 * 40);
        float[] stp = stv.clone();
        float[] mv = new float[40];
        float[] mp = new float[40];
        v.scaleAndMax(stv, 48, 40, 37, 0.5f, mv);
        p.scaleAndMax(stp, 48, 40, 37, 0.5f, mp);
        same("scaleAndMax", mv, mp, 0);
        float[] sv = new float[40];
        float[] sp = new float[40];
        v.expAndSum(stv, 48, 40, 37, mv, sv);
        p.expAndSum(stp, 48, 40, 37, mp, sp);
        same("expAndSum", stv, stp, 1e-6f);
        same("expAndSum sums", sv, sp, 1e-6f);
        if (!Float.isFinite(v.fmaChain(1000, 1f))) {
            fail("fmaChain is not finite");
        }
        System.out.println(failures == 0 ? "ok: " + v.name() + " on Java " + Runtime.version() : failures + " mismatches");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static float[] sums(float[] partials, int width) {
        float[] s = new float[partials.length / width];
        for (int i = 0; i < s.length; i++) {
            for (int l = 0; l < width; l++) {
                s[i] += partials[i * width + l];
            }
        }
        return s;
    }

    private static void same(String what, float[] a, float[] b, float relTol) {
        for (int i = 0; i < a.length; i++) {
            boolean nan = Float.isNaN(a[i]) && Float.isNaN(b[i]);
            if (!nan && Math.abs(a[i] - b[i]) > relTol * Math.max(1f, Math.abs(b[i]))) {
                fail(what + "[" + i + "]: " + a[i] + " != " + b[i]);
                return;
            }
        }
    }

    private static void same(String what, byte[] a, byte[] b) {
        if (!Arrays.equals(a, b)) {
            fail(what + ": codes differ");
        }
    }

    private static void close(String what, float a, float b) {
        same(what, new float[] {a}, new float[] {b}, 1e-4f);
    }

    private static void fail(String message) {
        failures++;
        System.out.println("mismatch: " + message);
    }
}
