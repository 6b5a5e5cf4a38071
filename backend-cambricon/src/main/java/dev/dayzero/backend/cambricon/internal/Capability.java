package dev.dayzero.backend.cambricon.internal;

/**
 * What one MLU generation can do, keyed by compute capability (and the ISA version that goes with it):
 * 3.x = MLU370 (ISA 372), 5.x = MLU590/580 (ISA 592), 6.x = ISA 613/617. Facts and sources:
 * the Neuware notes in this module's README (torch_mlu {@code is_bf16_supported} = major ≥ 5,
 * {@code is_fp8_supported} = major ≥ 6; cnnl_extra.h: paged KV "only supported on MLU500 series",
 * block_size only 16).
 *
 * @param major compute capability major
 * @param minor compute capability minor
 * @param isa   ISA version (372, 592, 613, ...), 0 where unknown
 */
public record Capability(int major, int minor, int isa) {
    /** The only paged-KV block size CNNL-Extra 1.12.3 accepts. */
    public static final int PAGED_BLOCK_SIZE = 16;
    /** cnnlFlashAttentionForward_v2: head_size ∈ [1, 512]. */
    public static final int FLASH_MAX_HEAD = 512;
    /** cnnlSingleQueryCachedKVAttn_v3: head sizes ∈ [16, 576]. */
    public static final int DECODE_MIN_HEAD = 16;
    public static final int DECODE_MAX_HEAD = 576;
    /** cnnlSingleQueryCachedKVAttn_v3: seq_q ∈ [1, 16]. */
    public static final int DECODE_MAX_QUERY_LEN = 16;
    /** cnnlSingleQueryCachedKVAttn_v3: Hq/Hkv · seq_q ≤ 128, or ≤ 48 when the head size exceeds 256. */
    public static final int DECODE_MAX_GROUP = 128;
    public static final int DECODE_MAX_GROUP_WIDE = 48;
    public static final int DECODE_WIDE_HEAD = 256;
    /**
     * cnnlSingleQueryCachedKVAttn_v3 (cnnl_extra.h 1.12.3, its "Scale Limitation"): the element count of key_cache
     * and of value_cache, and of query and output, at most INT32_MAX.
     */
    public static final long DECODE_MAX_ELEMENTS = Integer.MAX_VALUE;
    /** cnnlSingleQueryCachedKVAttn_v3: the bytes of key_cache and of value_cache at most UINT32_MAX. */
    public static final long DECODE_MAX_CACHE_BYTES = 0xFFFF_FFFFL;
    /** cnnlGroupQuant: C (row width) ≤ 18432. */
    public static final int GROUP_QUANT_MAX_COLS = 18432;

    /** From the attributes the driver reports. */
    public static Capability of(int major, int minor, int isa) {
        return new Capability(major, minor, isa);
    }

    /** BF16 compute (MLU500 and later). */
    public boolean bf16() {
        return major >= 5;
    }

    /** FP8 data types (compute capability 6 and later). */
    public boolean fp8() {
        return major >= 6;
    }

    /** Paged KV caches in CNNL-Extra attention (MLU500 and later). */
    public boolean pagedKv() {
        return major >= 5;
    }

    /** The product family the capability names, for DeviceInfo.architecture. */
    public String family() {
        String name = major == 3 ? "MLU370" : major == 5 ? "MLU590" : "MLU cc" + major + "." + minor;
        return name + (isa > 0 ? " (ISA " + isa + ")" : "");
    }

    /** "compute capability 5.0". */
    public String label() {
        return "compute capability " + major + "." + minor;
    }
}
