package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.tck.CaseStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static CaseRecord rec(CaseStatus s) {
        return CaseRecord.builder("m/decode/x", FaultCases.gemm(8), "cpu").status(s, "why it failed").build();
    }

    @Test
    void plainPrintsOneLinePerCaseWithCountAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = Progress.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        p.caseStarted("cpu", FaultCases.of("x", 8), 0, 2);
        p.caseFinished(rec(CaseStatus.PASSED), 1, 2, Duration.ofSeconds(75));
        p.caseFinished(rec(CaseStatus.FAILED_NUMERICS), 2, 2, Duration.ZERO);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("[1/2] cpu m/decode/x: passed (ETA 1:15)"), out);
        assertTrue(out.contains("[2/2] cpu m/decode/x: failed-numerics\n    why it failed"), out);
        assertFalse(out.contains("\r"), out);
    }

    @Test
    void terminalRewritesOneLineAndKeepsFailures() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = Progress.terminal(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        p.caseStarted("cpu", FaultCases.of("x", 8), 0, 2);
        p.caseFinished(rec(CaseStatus.PASSED), 1, 2, Duration.ofSeconds(5));
        p.caseFinished(rec(CaseStatus.CRASHED), 2, 2, Duration.ZERO);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r[1/2] cpu fault/x ..."), out);
        assertTrue(out.contains("\r[1/2] cpu m/decode/x: passed (ETA 0:05)"), out);
        assertTrue(out.contains("[2/2] cpu m/decode/x: crashed\n    why it failed\n"), out);
    }
}
