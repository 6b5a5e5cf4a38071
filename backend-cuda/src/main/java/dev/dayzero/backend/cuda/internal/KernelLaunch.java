package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.Stream;

/**
 * One kernel bound to its arguments: each {@link #enqueue} is one {@code cuLaunchKernel} with the fixed grid
 * and block; the argument array is built once at bind, so a launch allocates nothing. Owned by its prepared
 * operator ({@code owner}), from which it removes itself on close; closing frees the argument array.
 */
final class KernelLaunch extends AbstractLaunch {
    private final CudaDevice device;
    private final long function;
    private final int[] grid;
    private final int[] block;
    private final int sharedBytes;
    private final KernelParams params;

    KernelLaunch(CudaDevice device, String what, long function, int[] grid, int[] block, KernelParams params,
                 OwnedResources owner) {
        this(device, what, function, grid, block, 0, params, owner);
    }

    /**
     * A launch with {@code sharedBytes} of dynamic shared memory; above 48 KiB the function must have been
     * opened with {@link CudaModule#function(String, int)} for at least that size.
     */
    KernelLaunch(CudaDevice device, String what, long function, int[] grid, int[] block, int sharedBytes,
                 KernelParams params, OwnedResources owner) {
        super(CudaErrors.VENDOR, "launch of " + what, owner);
        if (sharedBytes < 0) {
            throw new IllegalArgumentException("sharedBytes " + sharedBytes + " < 0");
        }
        this.sharedBytes = sharedBytes;
        this.device = device;
        this.function = function;
        this.grid = grid.clone();
        this.block = block.clone();
        this.params = parts.add(params);
    }

    @Override
    public void enqueue(Stream stream) {
        checkOpen();
        CudaStream s = device.checkStream(stream);
        device.api().launch(function, grid[0], grid[1], grid[2], block[0], block[1], block[2], sharedBytes, s.handle(),
                params);
    }
}
