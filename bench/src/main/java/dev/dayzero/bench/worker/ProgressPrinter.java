package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.workload.WorkloadCase;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/** The two stock {@link Progress} printers: plain lines, or a rewritten terminal line. */
final class ProgressPrinter implements Progress {
    private final PrintStream out;
    private final boolean terminal;
    private int lastWidth;

    ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void runStarted(int pending, int alreadyFinished) {
        line(pending + " case(s) to run" + (alreadyFinished > 0 ? ", " + alreadyFinished + " already finished" : ""));
    }

    @Override
    public void backendReady(BackendEntry b) {
        line("backend " + b.id() + ":" + b.ordinal() + (b.available()
                ? " ready: " + b.device().map(d -> d.name() + (d.emulated() ? " (emulated)" : "")).orElse("?")
                : " unavailable: " + b.reason()));
    }

    @Override
    public void caseStarted(String backend, WorkloadCase c, int done, int total) {
        if (terminal) {
            status(String.format(Locale.ROOT, "[%d/%d] %s %s ...", done + 1, total, backend, c.id()));
        }
    }

    @Override
    public void caseFinished(CaseRecord r, int done, int total, Duration eta) {
        String timing = r.timing() == null ? "" : String.format(Locale.ROOT, " median %.4g ms", r.timing().stats().median());
        String text = String.format(Locale.ROOT, "[%d/%d] %s %s: %s%s%s", done, total, r.backend(), r.caseId(),
                r.status(), timing, eta.isZero() ? "" : " (ETA " + format(eta) + ")");
        boolean pass = r.caseStatus().map(s -> s.isPass()).orElse(true);
        if (terminal && pass) {
            status(text);
        } else {
            line(text + (pass || r.message().isEmpty() ? "" : "\n    " + r.message()));
        }
    }

    @Override
    public void runFinished(RunOutcome o) {
        line("done: " + o.countsByStatus().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")) + "; results in " + o.resultsFile());
    }

    private void status(String text) {
        String pad = text.length() < lastWidth ? " ".repeat(lastWidth - text.length()) : "";
        out.print("\r" + text + pad);
        out.flush();
        lastWidth = text.length();
    }

    private void line(String text) {
        if (terminal && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
        out.println(text);
        out.flush();
    }

    static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
