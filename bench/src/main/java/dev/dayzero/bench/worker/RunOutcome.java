package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a run produced.
 *
 * @param records        every case record of the run directory, in request order (backend, then case)
 * @param countsByStatus how many records ended in each status label
 * @param backends       every requested backend's probe answer
 * @param casesFile      the {@code cases.jsonl} written
 * @param resultsFile    the {@code results.json} written
 * @param ran            cases run by this invocation
 * @param skipped        cases skipped because an earlier invocation finished them ({@code --resume})
 */
public record RunOutcome(List<CaseRecord> records, SortedMap<String, Integer> countsByStatus,
                         List<BackendEntry> backends, Path casesFile, Path resultsFile, int ran, int skipped) {

    public RunOutcome {
        records = List.copyOf(records);
        countsByStatus = Collections.unmodifiableSortedMap(new TreeMap<>(countsByStatus));
        backends = List.copyOf(backends);
    }

    /** Records with {@code status} (a label such as {@code passed}). */
    public int count(String status) {
        return countsByStatus.getOrDefault(status, 0);
    }
}
