package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** Java reports "killed by signal N" and "exited with 128+N" alike, so the text names both. */
class ExitTextTest {
    @Test
    void aCodePast128NamesTheSignalItMayStandForAndSaysItMayNotBeOne() {
        String text = Coordinator.describeExit(137);
        assertEquals("exit code 137 (128+9: SIGKILL, or a process that exited with 137)", text);
        assertFalse(text.contains("signal 9"), text);
        assertEquals("exit code 134 (128+6: SIGABRT, or a process that exited with 134)", Coordinator.describeExit(134));
        assertEquals("exit code 150 (128+22: signal 22, or a process that exited with 150)", Coordinator.describeExit(150));
        assertEquals("exit code 1", Coordinator.describeExit(1));
        assertEquals("and did not exit (killed)", Coordinator.describeExit(null));
    }
}
