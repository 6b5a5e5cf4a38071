package dev.dayzero.bench.results;

import dev.dayzero.bench.measure.MeasureOptions;
import java.time.Duration;

/**
 * The run: which tool, which command, when, with which settings.
 *
 * @param toolVersion  the bench module's version ({@code unknown} when run from classes without a manifest)
 * @param gitCommit    the commit of the tool's working tree, {@code unknown} where git cannot tell
 * @param commandLine  the command as the user typed it
 * @param startedAt    when this invocation started (ISO-8601 instant)
 * @param finishedAt   when it wrote the results file
 * @param resumed      true when this invocation continued an earlier run's {@code cases.jsonl}
 * @param caseTimeout  the per-case timeout
 * @param conform      whether conformance was asked for
 * @param measure      whether timing was asked for
 * @param measureOptions how timing was done
 */
public record RunInfo(String toolVersion, String gitCommit, String commandLine, String startedAt, String finishedAt,
                      boolean resumed, Duration caseTimeout, boolean conform, boolean measure,
                      MeasureOptions measureOptions) {
}
