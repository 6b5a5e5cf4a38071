package dev.dayzero.bench.cli;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.ToolInfo;
import dev.dayzero.bench.worker.DoctorResult;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.BindingReport;
import dev.dayzero.hal.DeviceInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code dayzero doctor}'s summary as Markdown, to paste into an issue: the machine (never its hostname), one
 * table row per backend, then per backend its versions, libraries with missing symbols, devices and cases.
 */
final class DoctorSummary {
    private DoctorSummary() {
    }

    static String markdown(DoctorResult result, List<WorkloadCase> cases) {
        StringBuilder md = new StringBuilder();
        HostInfo host = HostInfo.current();
        md.append("## dayzero doctor\n\n");
        md.append("dayzero ").append(ToolInfo.version()).append(" (commit ").append(shortCommit(ToolInfo.gitCommit()))
                .append(") · ").append(host.os()).append(' ').append(host.osVersion()).append(' ').append(host.arch())
                .append(" · ").append(host.cpu()).append(", ").append(host.cores()).append(" cores · ")
                .append(host.jvmName()).append(' ').append(host.jvmVersion()).append(" · ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
        md.append("| backend | verdict | device 0 | native symbols |\n|---|---|---|---|\n");
        for (DoctorResult.BackendCheck b : result.backends()) {
            md.append("| ").append(cell(b.id())).append(" | ").append(cell(verdict(b))).append(" | ")
                    .append(cell(device0(b))).append(" | ").append(cell(symbols(b))).append(" |\n");
        }
        for (DoctorResult.BackendCheck b : result.backends()) {
            if (b.verdict() == DoctorResult.Verdict.UNAVAILABLE && (b.bindings() == null || b.bindings().libraries().isEmpty())) {
                continue; // the table row said it all
            }
            md.append("\n### ").append(b.id()).append(" (").append(b.vendor()).append(")\n\n");
            if (!b.detail().isEmpty()) {
                md.append("**").append(b.verdict().name().toLowerCase(Locale.ROOT)).append("**: ")
                        .append(oneLine(b.detail())).append("\n\n");
            }
            b.probeAnswer().ifPresent(p -> {
                if (!p.versions().isEmpty()) {
                    md.append("Versions: ");
                    List<String> v = new ArrayList<>();
                    p.versions().forEach((k, value) -> v.add(k + " `" + oneLine(value) + "`"));
                    md.append(String.join(", ", v)).append("\n\n");
                }
                for (DeviceInfo d : p.devices()) {
                    md.append("- device ").append(d.ordinal()).append(": ").append(describe(d)).append('\n');
                }
                if (!p.devices().isEmpty()) {
                    md.append('\n');
                }
                if (p.available() && !p.reason().isEmpty()) {
                    md.append("Probe notes: ").append(oneLine(p.reason())).append("\n\n");
                }
            });
            if (b.bindings() != null && !b.bindings().libraries().isEmpty()) {
                md.append("| library | loaded from | functions | missing |\n|---|---|---|---|\n");
                for (BindingReport.Library l : b.bindings().libraries()) {
                    String missing = l.missing().isEmpty() ? (l.loaded() ? "none" : "–") : String.join(", ", l.missing());
                    md.append("| ").append(cell(l.name())).append(" | ").append(cell(l.loaded() ? l.path() : "not loaded"))
                            .append(" | ").append(l.functions()).append(" | ").append(cell(missing
                                    + (l.note().isEmpty() ? "" : (l.missing().isEmpty() && l.loaded() ? "; " : " — ")
                                    + l.note()))).append(" |\n");
                }
                md.append('\n');
            }
            if (!b.cases().isEmpty()) {
                md.append("| family | case | status | seconds | message |\n|---|---|---|---|---|\n");
                for (CaseRecord r : b.cases()) {
                    md.append("| ").append(cell(r.spec().family())).append(" | ").append(cell(r.caseId())).append(" | ")
                            .append(cell(r.status())).append(" | ")
                            .append(String.format(Locale.ROOT, "%.1f", r.elapsedMs() / 1000)).append(" | ")
                            .append(cell(clip(r.message(), 300))).append(" |\n");
                }
                md.append('\n');
                for (CaseRecord r : b.cases()) {
                    if (!r.workerStderr().isEmpty()) {
                        List<String> lines = r.workerStderr();
                        md.append("Last lines of the worker that ran ").append(r.caseId()).append(":\n\n```\n");
                        lines.subList(Math.max(0, lines.size() - 12), lines.size())
                                .forEach(l -> md.append(l.replace("```", "'''")).append('\n'));
                        md.append("```\n\n");
                    }
                }
            }
            if (!b.childTail().isEmpty()) {
                md.append("Last lines of the child JVM:\n\n```\n");
                b.childTail().forEach(l -> md.append(l.replace("```", "'''")).append('\n'));
                md.append("```\n\n");
            }
        }
        int exit = result.exitCode();
        md.append("\nExit ").append(exit).append(": ").append(switch (exit) {
            case 0 -> "everything available passed";
            case 1 -> "something failed (see above)";
            default -> "a child JVM crashed or hung (see above)";
        }).append(". Cases: the smallest standard case of each operator family (")
                .append(String.join(", ", cases.stream().map(WorkloadCase::id).toList())).append(").\n");
        return md.toString();
    }

    private static String verdict(DoctorResult.BackendCheck b) {
        return switch (b.verdict()) {
            case PASSED -> {
                long passed = b.cases().stream().filter(r -> r.status().equals("passed")).count();
                yield "passed: " + passed + " of " + b.cases().size() + " cases passed"
                        + (passed < b.cases().size() ? ", the rest " + String.join(", ", b.cases().stream()
                        .map(CaseRecord::status).filter(s -> !s.equals("passed")).distinct().toList()) : "");
            }
            case UNAVAILABLE -> "unavailable: " + b.detail();
            case FAILED -> "FAILED: " + b.detail();
            case CRASHED -> "CRASHED: " + b.detail();
        };
    }

    private static String device0(DoctorResult.BackendCheck b) {
        BackendEntry p = b.probe();
        if (p == null) {
            return "–";
        }
        return p.device().map(DoctorSummary::describe).orElse("–");
    }

    private static String describe(DeviceInfo d) {
        return d.name() + " (" + d.architecture() + "), " + Format.bytes(d.memoryBytes()) + ", " + d.computeUnits()
                + " compute units" + (d.driverVersion().isEmpty() ? "" : ", driver " + d.driverVersion())
                + (d.runtimeVersion().isEmpty() ? "" : ", runtime " + d.runtimeVersion())
                + (d.emulated() ? " [EMULATED]" : "");
    }

    private static String symbols(DoctorResult.BackendCheck b) {
        BindingReport r = b.bindings();
        if (r == null) {
            return "not checked (the child died first)";
        }
        if (!r.checked()) {
            return b.probe() != null && r.reason().equals(b.probe().reason()) ? "not checked: no library"
                    : "not checked: " + r.reason();
        }
        if (r.libraries().isEmpty()) {
            return "no native library";
        }
        int functions = r.libraries().stream().filter(BindingReport.Library::loaded)
                .mapToInt(BindingReport.Library::functions).sum();
        return r.missing().isEmpty() ? "all " + functions + " resolve"
                : r.missing().size() + " of " + functions + " missing: " + String.join(", ", r.missing());
    }

    private static String shortCommit(String commit) {
        String bare = commit.replace("-dirty", "");
        return (bare.length() > 12 ? bare.substring(0, 12) : bare) + (commit.endsWith("-dirty") ? "-dirty" : "");
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String cell(String s) {
        return oneLine(s).replace("|", "\\|");
    }
}
