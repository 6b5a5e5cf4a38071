package dev.dayzero.backend.ascend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.tck.StandardCases;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code supports()} answers for DeepSeek-V4's attention, from the SoC, the spec and where the operator is. */
class SharedKvSupportTest {
    static final String A3 = "Ascend910_9382";
    static final Path CUSTOM = Path.of("/opp/vendors/vllm-ascend/op_api/lib/libcust_opapi.so");
    static final SharedKvOperator PRESENT = SharedKvOperator.resolve(s -> List.of(CUSTOM));
    static final SharedKvOperator ABSENT = SharedKvOperator.absent();

    static SparseSharedKvDecode standard(String id) {
        return (SparseSharedKvDecode) StandardCases.deepseekV4Attention().stream().filter(c -> c.id().equals(id))
                .findFirst().orElseThrow().spec();
    }

    static Support answer(String soc, SparseSharedKvDecode spec, SharedKvOperator op) {
        return SupportRules.answer(soc, spec, DsaOperators.none(), CannVersion.unknown("test"), op);
    }

    static String refused(String soc, SparseSharedKvDecode spec, SharedKvOperator op) {
        return assertInstanceOf(Support.Unsupported.class, answer(soc, spec, op), spec.describe()).reason();
    }

    @Test
    void resolutionNeedsAllFourEntryPointsInOneFile() {
        assertTrue(PRESENT.usable());
        assertTrue(PRESENT.custom());
        Path other = Path.of("/cann/lib64/libopapi.so");
        SharedKvOperator split = SharedKvOperator.resolve(s -> s.contains("Metadata") ? List.of(other) : List.of(CUSTOM));
        assertFalse(split.usable(), split.describe());
        assertTrue(split.describe().contains("aclnnSparseAttnSharedkvMetadata"), split.describe());
        assertFalse(ABSENT.usable());
        assertTrue(ABSENT.describe().contains(SharedKvOperator.SYMBOL));
    }

    @Test
    void fp8WithLseOnA3IsOfferedAsBf16WithoutLse() {
        SparseSharedKvDecode fp8 = standard("deepseek-v4-flash/attention/csa-ctx8k-fp8-mtp");
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, answer(A3, fp8, PRESENT));
        SparseSharedKvDecode alt = (SparseSharedKvDecode) a.spec();
        assertEquals(SharedKvFormat.BF16, alt.format());
        assertFalse(alt.returnLse());
        assertEquals(fp8.main(), alt.main());
        assertEquals(fp8.extra(), alt.extra());
        assertEquals(fp8.sink(), alt.sink());
        assertTrue(a.reason().contains("invalid"), a.reason());
        assertTrue(a.reason().contains("640"), a.reason());
        assertEquals(Support.supported(), answer(A3, alt, PRESENT), "the alternative itself is supported");
    }

    @Test
    void bf16WithLseIsOfferedWithoutLseOnly() {
        SparseSharedKvDecode bf16 = standard("deepseek-v4-flash/attention/csa-ctx8k-bf16");
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, answer(A3, bf16, PRESENT));
        assertEquals(bf16.withReturnLse(false), a.spec());
        assertFalse(a.reason().contains("FP8"), a.reason());
    }

    @Test
    void refusalsNameTheConstraint() {
        SparseSharedKvDecode csa = standard("deepseek-v4-flash/attention/csa-ctx8k-bf16");
        assertTrue(refused(A3, csa, ABSENT).contains(SharedKvOperator.SYMBOL));
        assertTrue(refused("Ascend910B3", csa, PRESENT).contains("Atlas A3 only"));
        assertTrue(refused("Ascend950PR_9599", csa, PRESENT).contains("KvQuantSparseAttnSharedkv"));
        assertTrue(refused(A3, standard("deepseek-v4-pro/attention/csa-fp8-h128-nolse"), PRESENT).contains("64 query heads"));
        assertTrue(refused(A3, standard("deepseek-v3.2/attention/sparse-sharedkv-bf16-576-extra-sink"), PRESENT).contains("D = 512"));
        String hca = refused(A3, standard("deepseek-v4-flash/attention/hca-ctx128k-fp8"), PRESENT);
        assertTrue(hca.contains("at most 640") && hca.contains("1152"), hca);
    }

    @Test
    void the640TokenLimitCountsBothCachesPerSequence() {
        KvIndexSet main = KvIndexSet.full(128, 64, List.of(128));
        SparseSharedKvDecode at = SparseSharedKvDecode.v4(64, 1, SharedKvFormat.BF16, main,
                Optional.of(KvIndexSet.full(512, 64, List.of(512))), true).withReturnLse(false);
        assertEquals(Support.supported(), answer(A3, at, PRESENT));
        SparseSharedKvDecode over = SparseSharedKvDecode.v4(64, 1, SharedKvFormat.BF16, main,
                Optional.of(KvIndexSet.full(513, 64, List.of(513))), true).withReturnLse(false);
        assertTrue(refused(A3, over, PRESENT).contains("641"));
        SparseSharedKvDecode noSink = new SparseSharedKvDecode(64, 2, 512, SharedKvFormat.BF16, main, Optional.empty(),
                false, false, AttentionSpec.defaultScale(512));
        assertEquals(Support.supported(), answer(A3, noSink, PRESENT));
    }
}
