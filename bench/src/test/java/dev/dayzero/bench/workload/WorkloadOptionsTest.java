package dev.dayzero.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadOptionsTest {

    @Test
    void defaults() {
        WorkloadOptions d = WorkloadOptions.defaults();
        assertEquals(List.of(Phase.DECODE), d.phases());
        assertEquals(List.of(8), d.batchSizes());
        assertEquals(4096, d.contextLength());
        assertEquals(512, d.prefillLength());
        assertNull(d.tp());
        assertNull(d.ep());
        assertEquals(Routing.UNIFORM, d.routing());
    }

    @Test
    void withersSetOneFieldAndDuplicatesCollapse() {
        WorkloadOptions o = WorkloadOptions.defaults().withBatchSizes(List.of(1, 8, 8, 64)).withTp(2).withEp(4)
                .withContextLength(100).withPrefillLength(7).withRouting(Routing.SKEWED)
                .withPhases(List.of(Phase.PREFILL, Phase.PREFILL));
        assertEquals(List.of(1, 8, 64), o.batchSizes());
        assertEquals(List.of(Phase.PREFILL), o.phases());
        assertEquals(2, o.tp());
        assertEquals(4, o.ep());
        assertEquals(100, o.contextLength());
        assertEquals(7, o.prefillLength());
        assertEquals(Routing.SKEWED, o.routing());
        assertNull(o.withTp(null).tp());
    }

    @Test
    void badValuesAreNamed() {
        WorkloadException b = assertThrows(WorkloadException.class,
                () -> WorkloadOptions.defaults().withBatchSizes(List.of(8, 0)));
        assertTrue(b.getMessage().startsWith("batch size must be"), b.getMessage());
        assertThrows(WorkloadException.class, () -> WorkloadOptions.defaults().withBatchSizes(List.of()));
        assertThrows(WorkloadException.class, () -> WorkloadOptions.defaults().withContextLength(-1));
        assertThrows(WorkloadException.class, () -> WorkloadOptions.defaults().withTp(0));
        assertThrows(WorkloadException.class, () -> WorkloadOptions.defaults().withPhases(List.of()));
        assertEquals(Phase.PREFILL, Phase.parse("Prefill"));
        assertEquals(Routing.SKEWED, Routing.parse("skewed"));
        WorkloadException r = assertThrows(WorkloadException.class, () -> Routing.parse("zipf"));
        assertTrue(r.getMessage().contains("uniform or skewed"), r.getMessage());
    }
}
