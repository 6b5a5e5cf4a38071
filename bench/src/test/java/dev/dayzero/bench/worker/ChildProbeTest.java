package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backends a run without --backends uses are probed in a child JVM, not in the coordinator. */
class ChildProbeTest {
    @Test
    void aChildJvmReportsTheAvailableBackends() {
        List<String> ids = ChildProbe.availableBackends(WorkerSettings.inherit("512m"));
        assertTrue(ids.contains("cpu"), ids.toString());
        assertFalse(ids.contains("absent"), "the test backend that never runs: " + ids);
    }

    @Test
    void aFailingProbeJvmIsReportedWithItsExitCodeAndOutput() {
        WorkerSettings ok = WorkerSettings.inherit("512m");
        List<String> options = new ArrayList<>(ok.jvmOptions());
        options.add("-XX:+NoSuchOptionForDayzero");
        WorkerSettings broken = new WorkerSettings(ok.javaExecutable(), ok.classPath(), options, ok.startupTimeout(),
                ok.stderrTailLines(), null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChildProbe.availableBackends(broken));
        assertTrue(e.getMessage().contains("exited with 1") && e.getMessage().contains("NoSuchOptionForDayzero"),
                e.getMessage());
    }

    @Test
    void parseKeepsOnlyAvailableIdsInOrder() {
        assertEquals(List.of("b", "c"), ChildProbe.parse(
                "[{\"id\":\"a\",\"available\":false},{\"id\":\"b\",\"available\":true},{\"id\":\"c\",\"available\":true}]"));
        assertThrows(IllegalStateException.class, () -> ChildProbe.parse("Exception in thread main"));
    }
}
