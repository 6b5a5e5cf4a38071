package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OwnedResourcesTest {

    @Test
    void closesNewestFirstAndReportsEveryFailureWithoutStopping() {
        OwnedResources owned = new OwnedResources();
        List<String> closed = new ArrayList<>();
        owned.add(() -> closed.add("buffer"));
        owned.add(() -> {
            closed.add("stream");
            throw new IllegalStateException("stream busy");
        });
        AutoCloseable selfRemoving = owned.add(() -> closed.add("event"));
        owned.add(() -> closed.add("op"));
        owned.remove(selfRemoving);
        List<Throwable> failures = owned.closeAll();
        assertEquals(List.of("op", "stream", "buffer"), closed);
        assertEquals(0, owned.size());
        assertEquals(1, failures.size());
        HalException e = assertThrows(HalException.class, () -> OwnedResources.report("acme", "device 0", failures));
        assertEquals("acme", e.vendor());
        assertEquals(1, e.getSuppressed().length);
        OwnedResources.report("acme", "nothing", List.of()); // no failures: no exception
    }
}
