package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.QuantizeSpec;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fatbins nvcc produced during the build: sm_80, sm_90a and sm_100a machine code and compute_80 PTX, with every
 * kernel the Java side launches. cuobjdump is not installed with this nvcc, so the fatbin container is read
 * directly: a 16-byte header (magic 0xBA55ED50, version, header size, payload size), then entries of
 * {kind u16 (1 PTX, 2 ELF), version u16, header size u32, payload size u64, ..., arch u32 at +28, flags u64 at
 * +40}. An arch-specific target ({@code sm_90a}) sets flag bit 0x100000 (observed: a plain sm_90 build does not).
 */
class FatbinTest {
    static final int MAGIC = 0xBA55ED50;
    static final long ARCH_SPECIFIC_FLAG = 0x100000L;

    record Entry(int kind, int arch, long flags, byte[] payload) {
    }

    static List<Entry> parse(byte[] fatbin) {
        ByteBuffer b = ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(MAGIC, b.getInt(0), "fatbin magic");
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long size = b.getLong(8);
        assertEquals(fatbin.length, headerSize + size, "fatbin size field");
        List<Entry> entries = new ArrayList<>();
        long off = headerSize;
        while (off < headerSize + size) {
            int o = (int) off;
            int kind = Short.toUnsignedInt(b.getShort(o));
            int entryHeader = b.getInt(o + 4);
            long payloadSize = b.getLong(o + 8);
            int arch = b.getInt(o + 28);
            long flags = b.getLong(o + 40);
            byte[] payload = new byte[(int) payloadSize];
            System.arraycopy(fatbin, o + entryHeader, payload, 0, payload.length);
            entries.add(new Entry(kind, arch, flags, payload));
            off += entryHeader + payloadSize;
        }
        return entries;
    }

    private static byte[] quantizeFatbin() {
        return fatbin(KernelImages.QUANTIZE);
    }

    private static byte[] fatbin(String name) {
        Optional<byte[]> f = KernelImages.fatbin(name);
        if (f.isEmpty()) {
            if (nvccOnPath()) {
                fail("nvcc is on PATH but the build packaged no " + name + ".fatbin ("
                        + KernelImages.whyAbsent() + ")");
            }
            Assumptions.assumeTrue(false, "nvcc was not on PATH at build time, so no kernels were built");
        }
        return f.get();
    }

    private static boolean nvccOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (new File(d, "nvcc").canExecute()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void holdsSassForEveryTargetAndComputeEightyPtx() {
        for (String name : KernelImages.ALL) {
            holdsEveryTarget(parse(fatbin(name)));
        }
    }

    @Test
    void sharedKvAndCacheWriteKernelsAreInEveryMachineCodeImage() {
        List<String> skv = new java.util.ArrayList<>(List.of(SharedKvDecodeOp.COMBINE));
        for (dev.dayzero.hal.op.SharedKvFormat f : dev.dayzero.hal.op.SharedKvFormat.values()) {
            for (int stages = 1; stages <= 2; stages++) {
                skv.add(SharedKvDecodeOp.kernelName(f, stages));
            }
        }
        List<String> write = new java.util.ArrayList<>();
        for (dev.dayzero.hal.op.SharedKvFormat f : dev.dayzero.hal.op.SharedKvFormat.values()) {
            write.add(CacheWriteOp.kernelName(dev.dayzero.hal.op.CacheWriteSpec.QuantInsert.of(1, f,
                    f.requiredHeadDim() == 0 ? 512 : f.requiredHeadDim(), 64)));
        }
        for (var image : List.of(java.util.Map.entry(KernelImages.SHAREDKV_DECODE, skv),
                java.util.Map.entry(KernelImages.QUANTIZE, write))) {
            List<Entry> elves = parse(fatbin(image.getKey())).stream().filter(e -> e.kind() == 2).toList();
            assertEquals(3, elves.size(), image.getKey());
            for (Entry e : elves) {
                for (String name : image.getValue()) {
                    assertTrue(new String(e.payload(), StandardCharsets.ISO_8859_1).contains("\0" + name + "\0"),
                            name + " in sm_" + e.arch());
                }
            }
        }
    }

    @Test
    void mlaKernelsAreInEveryMachineCodeImage() {
        List<Entry> elves = parse(fatbin(KernelImages.MLA_DECODE)).stream().filter(e -> e.kind() == 2).toList();
        assertEquals(3, elves.size());
        List<String> names = new java.util.ArrayList<>(List.of(MlaKernel.COMBINE));
        for (boolean sparse : new boolean[] {false, true}) {
            for (dev.dayzero.hal.op.KvCacheType cache : dev.dayzero.hal.op.KvCacheType.values()) {
                for (int stages = 1; stages <= 2; stages++) {
                    names.add(MlaKernel.kernelName(sparse, cache, stages));
                }
            }
        }
        for (Entry e : elves) {
            for (String name : names) {
                assertTrue(new String(e.payload(), StandardCharsets.ISO_8859_1).contains("\0" + name + "\0"),
                        name + " in sm_" + e.arch());
            }
        }
    }

    @Test
    void moeGemmKernelsAreInEveryMachineCodeImage() {
        List<Entry> elves = parse(fatbin(KernelImages.MOE_GEMM)).stream().filter(e -> e.kind() == 2).toList();
        assertEquals(3, elves.size());
        for (dev.dayzero.hal.op.MoeGemmSpec.Type t : dev.dayzero.hal.op.MoeGemmSpec.Type.values()) {
            for (int rowTile : new int[] {64, 128}) {
                String name = MoeGemmOp.kernelName(t, rowTile);
                for (Entry e : elves) {
                    assertTrue(new String(e.payload(), StandardCharsets.ISO_8859_1).contains("\0" + name + "\0"),
                            name + " in sm_" + e.arch());
                }
            }
        }
    }

    @Test
    void attentionKernelsAreInEveryMachineCodeImage() {
        List<Entry> elves = parse(fatbin(KernelImages.ATTENTION)).stream().filter(e -> e.kind() == 2).toList();
        assertEquals(3, elves.size());
        List<String> names = new ArrayList<>(List.of(PagedDecodeOp.COMBINE));
        for (int d = 16; d <= SupportRules.ATTENTION_MAX_DIM; d += 16) {
            names.add(PrefillOp.kernelName(d));
            names.add(PagedDecodeOp.kernelName(d));
        }
        for (Entry e : elves) {
            String text = new String(e.payload(), StandardCharsets.ISO_8859_1);
            for (String name : names) {
                assertTrue(text.contains("\0" + name + "\0"), name + " in sm_" + e.arch());
            }
        }
    }

    private static void holdsEveryTarget(List<Entry> entries) {
        assertTrue(entries.stream().anyMatch(e -> e.kind() == 2 && e.arch() == 80), "sm_80 SASS");
        assertTrue(entries.stream().anyMatch(e -> e.kind() == 2 && e.arch() == 90 && (e.flags() & ARCH_SPECIFIC_FLAG) != 0),
                "sm_90a (arch-specific) SASS");
        assertTrue(entries.stream().anyMatch(e -> e.kind() == 2 && e.arch() == 100 && (e.flags() & ARCH_SPECIFIC_FLAG) != 0),
                "sm_100a SASS");
        assertTrue(entries.stream().anyMatch(e -> e.kind() == 1 && e.arch() == 80), "compute_80 PTX");
        for (Entry e : entries) {
            if (e.kind() == 2) {
                assertEquals(0x7f, e.payload()[0] & 0xff);
                assertEquals("ELF", new String(e.payload(), 1, 3, StandardCharsets.US_ASCII), "sm_" + e.arch() + " payload is an ELF");
            }
        }
    }

    @Test
    void everyMachineCodeImageExportsEveryQuantizeKernel() {
        List<Entry> elves = parse(quantizeFatbin()).stream().filter(e -> e.kind() == 2).toList();
        assertEquals(3, elves.size());
        for (DType in : List.of(DType.BF16, DType.F32)) {
            for (DType fmt : List.of(DType.F8_E4M3FN, DType.F8_E5M2, DType.I8)) {
                for (DType scale : List.of(DType.F32, DType.UE8M0)) {
                    String name = QuantizeOp.kernelName(new QuantizeSpec(1, 1, in, fmt, QuantizeSpec.perTensor(), scale));
                    for (Entry e : elves) {
                        String text = new String(e.payload(), StandardCharsets.ISO_8859_1);
                        assertTrue(text.contains("\0" + name + "\0"), name + " in sm_" + e.arch());
                    }
                }
            }
        }
    }

    @Test
    void nvccVersionIsRecordedForTheProbe() {
        quantizeFatbin();
        int v = KernelImages.builtWithCuda().orElseThrow(() -> new AssertionError("nvcc-version.txt missing or unparsable"));
        assertTrue(v >= 12000, "built with CUDA " + v);
    }

    @Test
    void parsesNvccVersionText() {
        assertEquals(Optional.of(13000), KernelImages.parseRelease("Cuda compilation tools, release 13.0, V13.0.48"));
        assertEquals(Optional.of(12090), KernelImages.parseRelease("Cuda compilation tools, release 12.9, V12.9.86"));
        assertEquals(Optional.empty(), KernelImages.parseRelease("gcc 12"));
        assertEquals("12.4", KernelImages.cudaVersionText(12040));
    }
}
