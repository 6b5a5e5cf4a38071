package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.util.List;

/**
 * {@link MoeGemmSpec} on {@code moe_gemm.cu}. BF16 and FP8_BLOCK run on the tensor-core kernels
 * ({@code dz_moe_gemm_bf16_m128} / {@code _m64}, {@code dz_moe_gemm_fp8_block_m128} / {@code _m64}): one launch of
 * exactly one block per (row tile, 128-column tile) holding valid rows, row tiles of 128 or 64 rows chosen from the
 * spec's counts ({@link #rowTile}). INT8_W8A8 runs on the scalar fallback {@code dz_moe_gemm_int8} (16×16 tiles,
 * I32 accumulation, grid over (N tiles, row tiles, experts)). UE8M0 scales and MXFP4 weights run on the same
 * tensor-core body: {@code dz_moe_gemm_fp8_block_ue8m0_m*} (FP8_BLOCK with UE8M0 scales), {@code
 * dz_moe_gemm_mxfp4_fp8_m*} (MXFP4 weights decoded to BF16 with their per-32 scale in shared memory, FP8
 * activations promoted per 1×128 with their UE8M0 scale) and {@code dz_moe_gemm_mxfp4_bf16_m*}.
 */
final class MoeGemmOp extends CudaOp<MoeGemmSpec> {
    /** Output columns per tensor-core block (one FP8 weight-scale block). */
    static final int BLOCK_N = 128;
    /** Tile edge of the scalar INT8 kernel. */
    static final int INT8_TILE = 16;

    private final String kernel;
    private final long function;
    private final int[] grid;
    private final int[] block;
    private final int rowTile;
    private final long rowTiles;
    private final String routeNote;

    MoeGemmOp(CudaDevice device, MoeGemmSpec spec) {
        this(device, spec, "");
    }

    /** The kernel path; {@code routeNote} says why it runs instead of cuBLASLt (empty when it was the choice). */
    MoeGemmOp(CudaDevice device, MoeGemmSpec spec, String routeNote) {
        super(device, spec);
        this.routeNote = routeNote == null ? "" : routeNote;
        List<Integer> counts = spec.rowsPerExpert();
        if (spec.type() == MoeGemmSpec.Type.INT8_W8A8) {
            this.rowTile = INT8_TILE;
            this.rowTiles = 0;
            int maxRows = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
            this.grid = new int[] {(int) ceilDiv(spec.n(), INT8_TILE), (int) Math.max(1, ceilDiv(maxRows, INT8_TILE)),
                spec.experts()};
            this.block = new int[] {INT8_TILE, INT8_TILE, 1};
        } else {
            this.rowTile = rowTile(counts, spec.n(), Math.max(1, device.info().computeUnits()));
            this.rowTiles = rowTiles(counts, rowTile);
            this.grid = new int[] {(int) Math.max(1, rowTiles * ceilDiv(spec.n(), BLOCK_N)), 1, 1};
            this.block = new int[] {threads(spec.type(), rowTile), 1, 1};
        }
        this.kernel = kernelName(spec, rowTile);
        this.function = device.module(KernelImages.MOE_GEMM).function(kernel);
    }

    /** The kernel for {@code type} with row tiles of {@code rowTile} rows (128 or 64; ignored for INT8). */
    static String kernelName(MoeGemmSpec.Type type, int rowTile) {
        return switch (type) {
            case BF16 -> "dz_moe_gemm_bf16_m" + rowTile;
            case FP8_BLOCK -> "dz_moe_gemm_fp8_block_m" + rowTile;
            case INT8_W8A8 -> "dz_moe_gemm_int8";
            case MXFP4_FP8 -> "dz_moe_gemm_mxfp4_fp8_m" + rowTile;
            case MXFP4_BF16 -> "dz_moe_gemm_mxfp4_bf16_m" + rowTile;
        };
    }

    /** The kernel for {@code spec}: {@link #kernelName(MoeGemmSpec.Type, int)}, with UE8M0 FP8 block scales. */
    static String kernelName(MoeGemmSpec spec, int rowTile) {
        if (spec.type() == MoeGemmSpec.Type.FP8_BLOCK && spec.scaleType() == dev.dayzero.hal.DType.UE8M0) {
            return "dz_moe_gemm_fp8_block_ue8m0_m" + rowTile;
        }
        return kernelName(spec.type(), rowTile);
    }

    /**
     * Rows per tensor-core tile: 64 when 128-row tiles would give fewer blocks than the device has SMs (too few
     * to fill it) or would pad the experts' rows by a quarter more than 64-row tiles (few rows per expert, as in
     * decode); 128 otherwise (twice the reuse of each weight tile).
     */
    static int rowTile(List<Integer> rowsPerExpert, int n, int smCount) {
        long padded128 = rowTiles(rowsPerExpert, 128) * 128;
        long padded64 = rowTiles(rowsPerExpert, 64) * 64;
        long blocks128 = rowTiles(rowsPerExpert, 128) * ceilDiv(n, BLOCK_N);
        return blocks128 < smCount || padded64 * 5 <= padded128 * 4 ? 64 : 128;
    }

    /** Σ_e ceil(rows_e / rowTile): the row tiles holding at least one valid row. */
    static long rowTiles(List<Integer> rowsPerExpert, int rowTile) {
        long tiles = 0;
        for (int r : rowsPerExpert) {
            tiles += ceilDiv(r, rowTile);
        }
        return tiles;
    }

    /**
     * Threads of the tensor-core block (the kernel's tile configuration): 4 warps, except FP8 with 128-row tiles, 8
     * (its partial and promoted accumulators double the registers, so its warps own 64 × 32 instead of 64 × 64).
     */
    static int threads(MoeGemmSpec.Type type, int rowTile) {
        return type.hasGroupActivationScales() && rowTile == 128 ? 256 : 128;
    }

    /** The warp tile (rows x columns) of the tensor-core configuration. */
    static String warpTile(MoeGemmSpec.Type type, int rowTile) {
        if (rowTile == 64) {
            return "32x64";
        }
        return type.hasGroupActivationScales() ? "64x32" : "64x64";
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public List<String> notes() {
        if (!routeNote.isEmpty()) {
            List<String> notes = new java.util.ArrayList<>(kernelNotes());
            notes.add(routeNote);
            return List.copyOf(notes);
        }
        return kernelNotes();
    }

    private List<String> kernelNotes() {
        if (spec.type() == MoeGemmSpec.Type.INT8_W8A8) {
            return List.of("INT8 W8A8 on the scalar fallback kernel " + kernel
                    + " (16x16 tiles, I32 accumulation, no tensor cores)");
        }
        String warps = threads(spec.type(), rowTile) / 32 + " warps of " + warpTile(spec.type(), rowTile);
        String fp8 = spec.type().hasGroupActivationScales()
                ? "; E4M3 decoded to BF16 in shared memory, each 128-wide K block promoted in F32 with its scales" : "";
        if (spec.type().isMxfp4()) {
            fp8 += "; MXFP4 weights decoded to BF16 times their UE8M0 scale (one per 32 along K) in shared memory";
        }
        if (spec.scaleType() == dev.dayzero.hal.DType.UE8M0) {
            fp8 += "; UE8M0 scales decoded to F32 where read";
        }
        return List.of("tensor-core kernel " + kernel + " (mma.sync m16n8k16 BF16, " + rowTile + "x" + BLOCK_N
                + " tiles, " + warps + ", K step 32 double-buffered; " + grid[0] + " blocks for " + rowTiles
                + " row tiles" + fp8 + ")");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        int buffers = operands.size();
        boolean masked = spec.layout() == MoeGemmSpec.Layout.MASKED;
        KernelParams p;
        if (spec.type() == MoeGemmSpec.Type.INT8_W8A8) {
            p = params(operands, 4);
            p.int32(buffers, spec.n())
                    .int32(buffers + 1, spec.k())
                    .int32(buffers + 2, masked ? 1 : 0)
                    .int32(buffers + 3, masked ? spec.maxRows() : 0);
        } else {
            p = params(operands, 7);
            p.int32(buffers, spec.n())
                    .int32(buffers + 1, spec.k())
                    .int32(buffers + 2, spec.experts())
                    .int32(buffers + 3, masked ? 1 : 0)
                    .int32(buffers + 4, masked ? spec.maxRows() : 0)
                    .int64(buffers + 5, spec.storedRows())
                    .int32(buffers + 6, (int) Math.max(1, rowTiles));
        }
        return launches.add(new KernelLaunch(device, spec.describe(), function, grid, block, p, launches));
    }

    /** The buffer addresses in binding order, then {@code scalars} slots for the caller to fill. */
    private KernelParams params(List<DeviceBuffer> operands, int scalars) {
        KernelParams p = new KernelParams(operands.size() + scalars);
        try {
            for (int i = 0; i < operands.size(); i++) {
                p.address(i, address(operands, i));
            }
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }
}
