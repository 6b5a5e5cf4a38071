package dev.dayzero.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dayzero.bench.fleet.PlanFingerprint;
import dev.dayzero.bench.results.PlanInfo;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.bench.results.ResultsReader;
import dev.dayzero.bench.results.ResultsStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code run --resume DIR} per shard: the directory must hold the same shard of the same plan the command asks
 * for, else its results would mix two slices (or two Dayzero builds) under one shard's name.
 */
final class FleetResume {
    private FleetResume() {
    }

    /**
     * Checks that {@code dir} may be resumed as {@code plan}: a finished run's {@code results.json} must name the same
     * plan fingerprint and shard, and for a shard every case in {@code cases.jsonl} must be one of the shard's.
     *
     * @throws BadInputException in one line naming what differs
     */
    static void check(Path dir, PlanInfo plan) {
        Path results = dir.resolve(ResultsStore.RESULTS_FILE);
        if (Files.isRegularFile(results)) {
            ResultsFile earlier;
            try {
                earlier = ResultsReader.read(results);
            } catch (RuntimeException e) {
                earlier = null; // the run engine reports an unreadable directory itself
            }
            PlanInfo was = earlier == null ? null : earlier.plan();
            if (was != null) {
                if (!was.fingerprint().equals(plan.fingerprint())) {
                    throw new BadInputException("--resume " + dir + ": it holds " + describe(was) + ", not this command's "
                            + describe(plan) + " (other cases, options or Dayzero build): resume it with the command "
                            + "and Dayzero that started it");
                }
                if (!String.valueOf(was.shard()).equals(String.valueOf(plan.shard()))) {
                    throw new BadInputException("--resume " + dir + ": it holds " + describe(was) + "; this command asks "
                            + "for " + describe(plan) + ": give " + (was.shard() == null ? "no --shard"
                            : "--shard " + was.shard()));
                }
            }
        }
        if (plan.shard() == null) {
            return;
        }
        Path cases = dir.resolve(ResultsStore.CASES_FILE);
        if (!Files.isRegularFile(cases)) {
            return;
        }
        Set<String> mine = new HashSet<>(plan.shard().caseIds());
        List<String> lines;
        try {
            lines = Files.readAllLines(cases, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // the run engine names an unreadable case log itself
        }
        for (String line : lines) {
            String id;
            try {
                JsonNode n = ResultsJson.mapper().readTree(line);
                id = n == null || !n.hasNonNull("caseId") ? null : n.get("caseId").asText();
            } catch (IOException e) {
                id = null; // a line cut short by a kill: the run engine drops it
            }
            if (id != null && !mine.contains(id)) {
                throw new BadInputException("--resume " + dir + ": its " + ResultsStore.CASES_FILE + " holds case " + id
                        + ", which is not in " + describe(plan) + ": resume it with the --shard and workload options "
                        + "that started it");
            }
        }
    }

    private static String describe(PlanInfo p) {
        return (p.shard() == null ? "the whole of plan " : "shard " + p.shard() + " of plan ")
                + PlanFingerprint.shortForm(p.fingerprint());
    }
}
