package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.CpuDevice;

/**
 * One worker's attention buffers, made once per prepared operator: its online-softmax state and a
 * tile of keys and values converted to F32. Latent (MLA) kernels share one tile for both, since the
 * value is the key's first Dv columns.
 */
record Scratch(FlashState state, float[] keys, float[] values) {

    /** Separate key and value tiles ({@code TILE × dk} and {@code TILE × dv}). */
    static Scratch[] perWorker(CpuDevice device, int rows, int dk, int dv, float scale) {
        return make(device, rows, dk, dv, scale, false);
    }

    /** One shared tile of {@code TILE × dk}: keys, and values as its first dv columns. */
    static Scratch[] perWorkerLatent(CpuDevice device, int rows, int dk, int dv, float scale) {
        return make(device, rows, dk, dv, scale, true);
    }

    private static Scratch[] make(CpuDevice device, int rows, int dk, int dv, float scale, boolean shared) {
        Scratch[] all = new Scratch[device.pool().threads()];
        for (int w = 0; w < all.length; w++) {
            float[] keys = new float[FlashState.TILE * dk];
            all[w] = new Scratch(new FlashState(device.simd(), rows, dk, dv, scale), keys,
                    shared ? keys : new float[FlashState.TILE * dv]);
        }
        return all;
    }
}
