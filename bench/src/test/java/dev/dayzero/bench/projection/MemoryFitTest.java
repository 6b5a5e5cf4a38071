package dev.dayzero.bench.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.Presets;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.workload.WorkloadOptions;
import dev.dayzero.bench.workload.Workloads;
import dev.dayzero.hal.DeviceInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Memory of one device for DeepSeek-V3, Qwen3-235B-A22B and GLM-4.5 at their default deployments, batch 8 and
 * context 4096, against figures derived by hand from their config.json (the derivations are the comments).
 */
class MemoryFitTest {

    private static MemoryFit.Need need(String preset) {
        ModelConfig m = Presets.get(preset);
        WorkloadOptions o = WorkloadOptions.defaults();
        Map<String, MemoryFit.Need> needs = MemoryFit.needs(m, o, Workloads.derive(m, o));
        assertEquals(1, needs.size(), needs.keySet().toString());
        return needs.values().iterator().next();
    }

    private static long part(MemoryFit.Need n, String part) {
        return n.weightsByPart().getOrDefault(part, 0L);
    }

    /**
     * DeepSeek-V3: hidden 7168, 61 layers (3 dense: first_k_dense_replace), FP8 128x128 blocks with F32 scales
     * (4 B a scale), default tp1-ep32: 32 devices, moeTp 1, every device holds the whole attention.
     */
    @Test
    void deepSeekV3() {
        MemoryFit.Need n = need("deepseek-v3");
        assertEquals(32, n.devices());
        // attention projections, FP8 unless said, a scale per 128x128 block (ceil(N/128) x K/128 x 4 B):
        //   q_a  N 1536  K 7168:  1536 x 7168 = 11,010,048 + 12 x 56 x 4 = 2,688
        //   q_b  N 128 x 192 = 24576, K 1536: 37,748,736 + 192 x 12 x 4 = 9,216
        //   kv_a N 512 + 64 = 576, K 7168: 4,128,768 + 5 x 56 x 4 = 1,120
        //   absorbed W_UK 128 heads x [512 x 128] BF16 = 16,777,216; W_UV 128 x [128 x 512] BF16 = 16,777,216
        //   o    N 7168  K 128 x 128 = 16384: 117,440,512 + 56 x 128 x 4 = 28,672
        //   = 203,923,864 a layer x 61 = 12,439,375,712
        assertEquals(12_439_375_712L, part(n, "attention projections"));
        // router: 256 x 7168 BF16 = 3,670,016 x 58 MoE layers = 212,860,928
        assertEquals(212_860_928L, part(n, "router"));
        // shared expert (n_shared_experts 1 x 2048, tp 1): gate+up 4096 x 7168 + 32 x 56 x 4, down 7168 x 2048
        //   + 56 x 16 x 4 = 29,367,296 + 14,683,648 = 44,050,944 x 58 = 2,554,954,752
        assertEquals(2_554_954_752L, part(n, "shared experts"));
        // dense FFN (3 layers, intermediate 18432 over 32 devices = 576): gate+up 1152 x 7168 FP8 + 9 x 56 x 4;
        //   down K 576 is no multiple of 128, so BF16: 7168 x 576 x 2 = 8,257,536 + 2,016 + 8,257,536 = 16,517,088
        //   x 3 = 49,551,264
        assertEquals(49_551_264L, part(n, "dense FFN"));
        // lm_head and embedding: ceil(129280 / 32) = 4040 rows x 7168 x 2 B = 57,917,440 each
        assertEquals(57_917_440L, part(n, "lm_head"));
        assertEquals(57_917_440L, part(n, "embedding"));
        // routed experts: 256 / 32 = 8 a device; gate+up 8 x 4096 x 7168 + 8 x 32 x 56 x 4 = 234,938,368;
        //   down 8 x 7168 x 2048 + 8 x 56 x 16 x 4 = 117,469,184; (352,407,552) x 58 = 20,439,638,016
        assertEquals(20_439_638_016L, part(n, "routed experts"));
        // by dtype: F32 scales (12x56 + 192x12 + 5x56 + 56x128) x 4 x 61 + (32x56 + 56x16) x 4 x 58
        //   + 9 x 56 x 4 x 3 + (8x32x56 + 8x56x16) x 4 x 58 = 8,162,048
        assertEquals(8_162_048L, n.weightsByDtype().get("f32 scales"));
        // BF16: W_UK + W_UV (33,554,432 x 61) + router + dense down (8,257,536 x 3) + lm_head + embedding
        assertEquals(2_400_288_768L, n.weightsByDtype().get("bf16"));
        assertEquals(33_403_764_736L, n.weightsByDtype().get("fp8-e4m3"));
        assertEquals(35_812_215_552L, n.weightBytes());
        // KV cache: FP8 FlashMLA 656 B a token x 8 sequences x 4096 tokens x 61 layers = 1,311,244,288
        assertEquals(Map.of("kv cache", 1_311_244_288L), n.cacheByPart());
        assertTrue(n.cacheFormat().contains("656"), n.cacheFormat());
        assertTrue(n.notes().stream().anyMatch(s -> s.contains("MTP")), n.notes().toString());
    }

    /**
     * Qwen3-235B-A22B: hidden 4096, 94 layers all MoE, BF16, GQA 64 / 4 heads of 128, 128 experts of 1536, no shared
     * expert, vocab 151936, default tp8-ep1: 8 devices, each expert split 8 ways (slice 192).
     */
    @Test
    void qwen3_235b() {
        MemoryFit.Need n = need("qwen3-235b-a22b");
        assertEquals(8, n.devices());
        // qkv N (64/8 + 2 x max(1, 4/8)) x 128 = 1280, K 4096: 10,485,760; o N 4096, K 8 x 128: 8,388,608;
        //   18,874,368 x 94 = 1,774,190,592
        assertEquals(1_774_190_592L, part(n, "attention projections"));
        // router 128 x 4096 x 2 = 1,048,576 x 94
        assertEquals(98_566_144L, part(n, "router"));
        assertEquals(0L, part(n, "shared experts"));
        assertEquals(0L, part(n, "dense FFN"));
        // lm_head ceil(151936 / 8) = 18992 x 4096 x 2 = 155,582,464; the embedding (untied) the same
        assertEquals(155_582_464L, part(n, "lm_head"));
        assertEquals(155_582_464L, part(n, "embedding"));
        // experts: 128 a device, slice 1536 / 8 = 192: gate+up 128 x 384 x 4096 x 2 = 402,653,184,
        //   down 128 x 4096 x 192 x 2 = 201,326,592; x 94 = 56,774,098,944
        assertEquals(56_774_098_944L, part(n, "routed experts"));
        assertEquals(58_958_020_608L, n.weightBytes()); // ~235e9 params x 2 B / 8 = 58.75e9: the right size
        assertEquals(Map.of("bf16", 58_958_020_608L), n.weightsByDtype());
        // KV: 1 KV head a device (4 < tp 8: replicated) x 128 x 2 (K, V) x 2 B = 512 B x 32768 tokens x 94
        assertEquals(Map.of("kv cache", 1_577_058_304L), n.cacheByPart());
    }

    /**
     * GLM-4.5: hidden 5120, 92 layers (3 dense), BF16, GQA 96 / 8 heads of 128, 160 experts of 1536 + 1 shared,
     * intermediate 12288, vocab 151552, MTP 1 (not held without --mtp), default tp8-ep1.
     */
    @Test
    void glm45() {
        MemoryFit.Need n = need("glm-4.5");
        // qkv N (12 + 2 x 1) x 128 = 1792, K 5120: 18,350,080; o N 5120, K 12 x 128 = 1536: 15,728,640; x 92
        assertEquals(3_135_242_240L, part(n, "attention projections"));
        // router 160 x 5120 x 2 = 1,638,400 x 89 MoE layers
        assertEquals(145_817_600L, part(n, "router"));
        // shared 1536 / 8 = 192: gate+up 384 x 5120 x 2 + down 5120 x 192 x 2 = 5,898,240 x 89
        assertEquals(524_943_360L, part(n, "shared experts"));
        // dense FFN 12288 / 8 = 1536: gate+up 3072 x 5120 x 2 + down 5120 x 1536 x 2 = 47,185,920 x 3
        assertEquals(141_557_760L, part(n, "dense FFN"));
        // lm_head ceil(151552 / 8) = 18944 x 5120 x 2
        assertEquals(193_986_560L, part(n, "lm_head"));
        // experts: 160 x (384 x 5120 + 5120 x 192) x 2 = 943,718,400 x 89
        assertEquals(83_990_937_600L, part(n, "routed experts"));
        assertEquals(88_326_471_680L, n.weightBytes()); // ~355e9 x 2 / 8 = 88.75e9 less the MTP layer
        // KV 512 B a token x 32768 x 92
        assertEquals(1_543_503_872L, n.cacheBytes());
        // on an 80 GiB device: 89,869,975,552 B = 83.70 GiB needed, 3.7 GiB short; 8 devices 29.6 GiB short
        DeviceInfo h100 = new DeviceInfo("cuda", 0, "NVIDIA", "NVIDIA H100 80GB HBM3", "sm_90", 80L << 30, 132, "",
                "", 0, false, Map.of());
        MemoryFit f = n.on("cuda", h100.name(), false, h100.memoryBytes());
        assertFalse(f.fits());
        assertEquals(89_869_975_552L, f.totalBytes());
        assertEquals("does not fit by 3.7 GiB", f.verdict());
        assertEquals("does not fit by 29.6 GiB", f.deploymentVerdict());
        assertTrue(f.line().contains("deployment (8 devices)"), f.line());
    }

    @Test
    void aDeviceWithEnoughMemoryFitsAndFitsFollowTheProbeEntries() {
        MemoryFit.Need n = need("qwen3-235b-a22b");
        DeviceInfo big = new DeviceInfo("cuda", 0, "NVIDIA", "NVIDIA H200", "sm_90", 150_000_000_000L, 132, "", "", 0,
                false, Map.of());
        StepProjection p = new StepProjection(n.step(), 8, 1, "cuda", "NVIDIA H200", StepProjection.State.BLOCKED,
                Double.NaN, Map.of(), List.of(), List.of("x (failed)"));
        StepProjection unknown = new StepProjection(n.step(), 8, 1, "other", "Chip", StepProjection.State.BLOCKED,
                Double.NaN, Map.of(), List.of(), List.of("x (failed)"));
        List<MemoryFit> fits = MemoryFit.fits(Map.of(n.step(), n), List.of(p, unknown),
                List.of(new BackendEntry("cuda", 0, true, "", Map.of(), List.of(big))));
        assertEquals(2, fits.size());
        MemoryFit f = fits.get(0);
        assertTrue(f.fits());
        // 150e9 - (58,958,020,608 + 1,577,058,304) = 89,464,921,088 B = 83.3 GiB
        assertEquals(89_464_921_088L, f.spareBytes());
        assertEquals("fits with 83.3 GiB to spare", f.verdict());
        assertFalse(fits.get(1).known());
        assertEquals("device memory unknown", fits.get(1).verdict());
    }

    /** DeepSeek-V4-Flash: MXFP4 experts (per-32 UE8M0 scales) and the MODEL1 caches by layer type. */
    @Test
    void v4FlashCachesByLayerType() {
        ModelConfig m = Presets.get("deepseek-v4-flash");
        WorkloadOptions o = WorkloadOptions.defaults();
        MemoryFit.Need n = MemoryFit.needs(m, o, Workloads.derive(m, o)).values().iterator().next();
        var v = (dev.dayzero.bench.model.AttentionConfig.V4) m.attention().orElseThrow();
        long b = 8;
        // window min(128, 4096) x 584 B x every layer; CSA 4096 / 4 = 1024 entries; HCA 4096 / 128 = 32
        int all = v.slidingLayers() + v.csaLayers() + v.hcaLayers();
        assertEquals(b * 128 * 584 * all, n.cacheByPart().get("window cache"));
        assertEquals(b * 1024 * 584 * v.csaLayers(), n.cacheByPart().get("csa compressed cache"));
        assertEquals(b * 1024 * (v.indexHeadDim() + 4) * v.csaLayers(), n.cacheByPart().get("csa indexer key cache"));
        assertEquals(b * 32 * 584 * v.hcaLayers(), n.cacheByPart().get("hca compressed cache"));
        // MXFP4 experts: half a byte a value plus one UE8M0 byte per 32 values (1/16 of the codes' bytes), and only
        // the experts are FP4
        long fp4 = n.weightsByDtype().get("fp4-e2m1");
        assertEquals(fp4 + fp4 / 16, n.weightsByPart().get("routed experts"));
    }
}
