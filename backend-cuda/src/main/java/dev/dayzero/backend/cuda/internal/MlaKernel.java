package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.PreparedOp.Launch;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.KvCacheType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dense and the sparse MLA decode operators share: the kernel of {@code mla_decode.cu} for the variant,
 * the work plan ({@link MlaPlan}) uploaded once at prepare, the split-KV workspace, and the launch of the main
 * kernel followed, when the plan split some unit, by {@code dz_mla_combine}. Owns its device buffers, which
 * {@link #free} frees; its launches belong to the operator that bound them.
 *
 * <p>Shared memory: Q (64 rows × 576 BF16) plus {@code stages} KV tiles (64 tokens × 576 BF16), 16 bytes a token
 * once used for FP8 scales (unused since the kernel dequantizes an FP8 cache by its rule while copying the tile;
 * kept so that these figures stay), the token keys and the row reductions: {@link #sharedBytes} ({@value #SHARED_TWO_STAGES} bytes with two stages,
 * which Hopper and Blackwell allow, 227 KiB a block; {@value #SHARED_ONE_STAGE} with one, for the 163 KiB of an
 * A100, where the next tile is loaded after the current one instead of during it).
 */
final class MlaKernel {
    /** Threads a block (8 warps). */
    static final int THREADS = 256;
    /** Threads of a combine block (4 output columns each). */
    static final int COMBINE_THREADS = 128;
    /** Widest key the kernel holds (DeepSeek: 512 latent + 64 rope). */
    static final int MAX_DK = 576;
    /** Widest value. */
    static final int MAX_DV = 512;
    /** Dynamic shared memory with two stages ({@code Smem<2>::bytes} of the kernel). */
    static final int SHARED_TWO_STAGES = 224_768;
    /** Dynamic shared memory with one stage ({@code Smem<1>::bytes}). */
    static final int SHARED_ONE_STAGE = 149_760;
    /** The combine kernel. */
    static final String COMBINE = "dz_mla_combine";

    /**
     * The device facts a launch depends on.
     *
     * @param stages KV stages in shared memory (2: the next tile loads during this one; 1: after it)
     * @param sms    SMs to spread the work over
     */
    record Config(int stages, int sms) {
        Config {
            if (stages != 1 && stages != 2) {
                throw new IllegalArgumentException("stages must be 1 or 2, got " + stages);
            }
        }

        /** The configuration for {@code info}'s device: two stages where its shared memory allows. */
        static Config of(DeviceInfo info) {
            int optin = sharedOptin(info);
            return new Config(optin >= SHARED_TWO_STAGES ? 2 : 1, Math.max(1, info.computeUnits()));
        }
    }

    /** Whether {@code info}'s device has the shared memory the kernel needs (one stage at least). */
    static Support deviceSupport(DeviceInfo info) {
        int optin = sharedOptin(info);
        if (optin < SHARED_ONE_STAGE) {
            return Support.unsupported("backend-cuda's MLA decode kernels need " + SHARED_ONE_STAGE + " bytes of "
                    + "shared memory a block (64 query rows and a 64-token tile of 576 BF16 values), but "
                    + info.name() + " allows " + optin);
        }
        return Support.supported();
    }

    /** Dynamic shared memory of a block with {@code stages} KV stages. */
    static int sharedBytes(int stages) {
        int tile = MlaPlan.ROWS * MAX_DK * 2;
        return tile * (1 + stages) + stages * MlaPlan.TILE * (16 + 4) + 4 * MlaPlan.ROWS * 4;
    }

    /** The main kernel's name for the variant. */
    static String kernelName(boolean sparse, KvCacheType cache, int stages) {
        return "dz_mla_" + (sparse ? "sparse" : "dense") + "_" + (cache == KvCacheType.BF16 ? "bf16" : "fp8") + "_s"
                + stages;
    }

    /** The device's opt-in shared memory a block ({@code maxSharedMemoryPerBlockOptin}), 0 when unknown. */
    static int sharedOptin(DeviceInfo info) {
        String v = info.properties().get("maxSharedMemoryPerBlockOptin");
        try {
            return v == null ? 0 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private final CudaDevice device;
    private final String what;
    private final Config config;
    private final MlaPlan plan;
    private final String kernel;
    private final long function;
    private final long combine;
    private final String combineName;
    private final int dv;
    private final OwnedResources owned = new OwnedResources();
    private final CudaBuffer items;
    private final CudaBuffer groups;
    private final CudaBuffer partO;
    private final CudaBuffer partMl;

    /**
     * Loads the kernel and uploads the plan.
     *
     * @param what   the spec, for messages
     * @param sparse the sparse variant (indices instead of a block table)
     * @param cache  the KV cache type
     * @param units  the work (see {@link MlaPlan.Unit})
     * @param dv     the value width (the output's row)
     */
    MlaKernel(CudaDevice device, String what, boolean sparse, KvCacheType cache, List<MlaPlan.Unit> units, int dv,
              Config config) {
        this(device, what, sparse, cache, MlaPlan.of(units, config.sms()), dv, config);
    }

    /** As above, with the plan made by the caller. */
    MlaKernel(CudaDevice device, String what, boolean sparse, KvCacheType cache, MlaPlan plan, int dv, Config config) {
        this(device, what, KernelImages.MLA_DECODE, kernelName(sparse, cache, config.stages()), COMBINE, plan, dv,
                config);
    }

    /**
     * Another kernel on the same body ({@code mla_body.cuh}) and plan: {@code kernel} and its merge kernel
     * {@code combineKernel} of the fatbin {@code image}; launched with the arguments given to
     * {@link #bind(OwnedResources, KernelParams, KernelParams)}.
     */
    MlaKernel(CudaDevice device, String what, String image, String kernel, String combineKernel, MlaPlan plan, int dv,
              Config config) {
        this.device = device;
        this.what = what;
        this.config = config;
        this.dv = dv;
        this.plan = plan;
        this.kernel = kernel;
        CudaModule module = device.module(image);
        this.function = module.function(kernel, sharedBytes(config.stages()));
        this.combine = module.function(combineKernel);
        this.combineName = combineKernel;
        try {
            this.items = upload(plan.items());
            this.groups = plan.mergeGroups() > 0 ? upload(plan.groups()) : null;
            long rows = (long) plan.parts() * MlaPlan.ROWS;
            this.partO = plan.parts() > 0 ? own(device.allocate(rows * MAX_DV * 4)) : null;
            this.partMl = plan.parts() > 0 ? own(device.allocate(rows * 2 * 4)) : null;
        } catch (RuntimeException e) {
            closeQuietly(e);
            throw e;
        }
    }

    private CudaBuffer upload(int[] table) {
        CudaBuffer b = own(device.allocate(4L * table.length));
        ByteBuffer bytes = ByteBuffer.allocate(4 * table.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(table);
        b.write(0, bytes);
        return b;
    }

    private CudaBuffer own(DeviceBuffer b) {
        return owned.add((CudaBuffer) b);
    }

    private void closeQuietly(RuntimeException cause) {
        for (Throwable t : owned.closeAll()) {
            cause.addSuppressed(t);
        }
    }

    /** The plan (for notes and tests). */
    MlaPlan plan() {
        return plan;
    }

    /** What the operator's notes say about the kernel and the split. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add("kernel " + kernel + ": 64 query rows a block on tensor cores (mma.sync m16n8k16 BF16, F32 "
                + "accumulation), 64-token KV tiles shared by every row, " + config.stages() + " shared-memory stage"
                + (config.stages() == 2 ? "s (next tile loaded during this one)" : " (next tile loaded after this one)")
                + ", online softmax in F32");
        notes.add(plan.blocks() + " blocks on " + config.sms() + " SMs"
                + (plan.parts() > 0 ? "; split-KV: the longest unit in " + plan.piecesOfLongest() + " pieces, "
                + plan.mergeGroups() + " units merged by " + combineName : "; no split-KV"));
        return notes;
    }

    /**
     * Binds the main kernel to {@code q, kv, table, seqLens (0 for sparse), out} and the scalars; the combine
     * kernel to the workspace and {@code out}. The launch is registered with {@code owner} (the operator's
     * launches), from which it removes itself on close.
     */
    Launch bind(OwnedResources owner, CudaBuffer q, CudaBuffer kv, CudaBuffer table, long seqLens, CudaBuffer out,
                int sq, int hq, int dk, int pageSize, int tableCols, boolean causal, long slots, float softmaxScale) {
        KernelParams p = new KernelParams(17);
        p.address(0, q.address())
                .address(1, kv.address())
                .address(2, table.address())
                .address(3, seqLens)
                .address(4, out.address())
                .address(5, items.address())
                .address(6, partO == null ? 0 : partO.address())
                .address(7, partMl == null ? 0 : partMl.address())
                .int32(8, sq)
                .int32(9, hq)
                .int32(10, dk)
                .int32(11, dv)
                .int32(12, pageSize)
                .int32(13, tableCols)
                .int32(14, causal ? 1 : 0)
                .int64(15, slots)
                .float32(16, (float) (softmaxScale * (1.0 / Math.log(2.0))));
        KernelParams c = null;
        if (plan.mergeGroups() > 0) {
            c = new KernelParams(5);
            c.address(0, groups.address())
                    .address(1, partO.address())
                    .address(2, partMl.address())
                    .address(3, out.address())
                    .int32(4, dv);
        }
        return bind(owner, p, c);
    }

    /**
     * Binds the main kernel to {@code mainParams} and, when the plan splits some unit ({@link #splits()}), the
     * merge kernel to {@code mergeParams}; registered with {@code owner} as above.
     */
    Launch bind(OwnedResources owner, KernelParams mainParams, KernelParams mergeParams) {
        if ((mergeParams != null) != splits()) {
            throw new IllegalArgumentException("merge arguments must be given exactly when the plan splits a unit");
        }
        return owner.add(new Bound(owner, mainParams, mergeParams));
    }

    /** Whether the plan split some unit, so that the merge kernel runs. */
    boolean splits() {
        return plan.mergeGroups() > 0;
    }

    /** Device address of the plan's item table (the main kernel's {@code items}). */
    long itemsAddress() {
        return items.address();
    }

    /** Device address of the merge table, 0 when nothing is split. */
    long groupsAddress() {
        return groups == null ? 0 : groups.address();
    }

    /** Device address of the partial rows {@code [parts][64][512]} F32, 0 when nothing is split. */
    long partOAddress() {
        return partO == null ? 0 : partO.address();
    }

    /** Device address of the partial (max, sum) pairs {@code [parts][64][2]} F32, 0 when nothing is split. */
    long partMlAddress() {
        return partMl == null ? 0 : partMl.address();
    }

    /** The main launch and the merge ({@code mergeParams} null: none), enqueued together on one stream. */
    private final class Bound extends AbstractLaunch {
        private final KernelLaunch main;
        private final KernelLaunch merge;

        Bound(OwnedResources owner, KernelParams mainParams, KernelParams mergeParams) {
            super(CudaErrors.VENDOR, "MLA decode launch", owner);
            this.main = parts.add(new KernelLaunch(device, what, function, new int[] {plan.blocks(), 1, 1},
                    new int[] {THREADS, 1, 1}, sharedBytes(config.stages()), mainParams, parts));
            this.merge = mergeParams == null ? null : parts.add(new KernelLaunch(device, what + " (split-KV merge)",
                    combine, new int[] {plan.mergeGroups(), MlaPlan.ROWS, 1}, new int[] {COMBINE_THREADS, 1, 1},
                    mergeParams, parts));
        }

        @Override
        public void enqueue(Stream stream) {
            main.enqueue(stream);
            if (merge != null) {
                merge.enqueue(stream);
            }
        }
    }

    /** Frees the plan tables and the split-KV workspace (after the launches using them); returns the failures. */
    List<Throwable> free() {
        return owned.closeAll();
    }
}
