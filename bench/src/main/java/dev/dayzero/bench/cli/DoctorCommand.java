package dev.dayzero.bench.cli;

import dev.dayzero.bench.worker.Doctor;
import dev.dayzero.bench.worker.DoctorResult;
import dev.dayzero.bench.worker.WorkerSettings;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Backends;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dayzero doctor}: the first command to run on new hardware. */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The first command to run on new hardware. For each backend, in a child JVM: probe it, print "
                + "the libraries and versions found, and look up every native function its bindings declare; then run "
                + "the smallest standard conformance case of each operator family on its first device, in a worker "
                + "JVM (no timing). Prints a Markdown summary to paste into an issue on stdout, progress on stderr.",
                "Exit 0 when everything available passed, 1 when a case failed, a symbol is missing or the device "
                        + "did not open, 3 when a child JVM crashed or hung. Unavailable backends are not failures."})
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--backend", split = ",", paramLabel = "ID",
            description = "Only these backends (default: every backend on the class path).")
    List<String> backends;

    @Option(names = "--case-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest one case may take before its worker is killed. Default: ${DEFAULT-VALUE}.",
            defaultValue = "10m")
    Duration caseTimeout;

    @Option(names = "--worker-heap", paramLabel = "SIZE",
            description = "Java heap of each child and worker JVM. Default: ${DEFAULT-VALUE}.", defaultValue = "8g")
    String workerHeap;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Backends known = dev.dayzero.bench.plugins.Plugins.backends();
        List<String> ids = backends != null ? backends : known.ids();
        if (ids.isEmpty()) {
            throw new BadInputException("no backend is on the class path");
        }
        ids.forEach(known::require); // an unknown id names the known ones
        PrintWriter err = spec.commandLine().getErr();
        List<WorkloadCase> cases = smallestOfEachFamily(CaseCatalog.standard());
        Doctor.Request request = new Doctor.Request(ids, cases, caseTimeout, WorkerSettings.inherit(workerHeap),
                line -> {
                    err.println("doctor: " + line);
                    err.flush();
                });
        DoctorResult result = Doctor.run(request);
        PrintWriter out = spec.commandLine().getOut();
        out.print(DoctorSummary.markdown(result, cases));
        out.flush();
        return result.exitCode();
    }

    /**
     * The standard case of each operator family with the fewest FLOPs (then the least memory), in the order the
     * families first appear.
     */
    static List<WorkloadCase> smallestOfEachFamily(List<WorkloadCase> standard) {
        Map<String, WorkloadCase> best = new LinkedHashMap<>();
        Comparator<WorkloadCase> size = Comparator.comparingLong((WorkloadCase c) -> c.spec().flops())
                .thenComparingLong(WorkloadCase::memoryBytes);
        for (WorkloadCase c : standard) {
            best.merge(c.spec().family(), c, (a, b) -> size.compare(b, a) < 0 ? b : a);
        }
        return List.copyOf(best.values());
    }
}
