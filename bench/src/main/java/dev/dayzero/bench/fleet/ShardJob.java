package dev.dayzero.bench.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every shard task runs, whatever the scheduler: {@code dayzero run --shard i/N} into
 * {@code RESULTS/shard-i}, resuming that directory when an earlier attempt left a {@code cases.jsonl} there (a
 * requeued or restarted task skips the cases it finished). A run that finished (its {@code MANIFEST.sha256} is
 * written) exits 0 even when a case failed or crashed: those are results, in the file, and a scheduler must not
 * retry them; bad input (exit 2) or a run that did not finish keeps its exit code.
 *
 * @param dayzero  the launcher on the machines ({@code .../bin/dayzero} of the distribution)
 * @param results  the shared directory the shards write into, one {@code shard-i} directory each
 * @param shards   how many shards
 * @param runArgs  the options of {@code dayzero run} every shard gets (model, phases, batches, backends ...)
 */
public record ShardJob(String dayzero, String results, int shards, List<String> runArgs) {

    /** Options {@code dayzero fleet} sets itself, refused among the run options. */
    public static final List<String> RESERVED = List.of("--out", "--resume", "--shard");

    public ShardJob {
        Objects.requireNonNull(dayzero, "dayzero");
        Objects.requireNonNull(results, "results");
        if (shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        }
        runArgs = List.copyOf(runArgs);
        for (String a : runArgs) {
            for (String r : RESERVED) {
                if (a.equals(r) || a.startsWith(r + "=")) {
                    throw new IllegalArgumentException("the run options after -- hold " + r + ", which dayzero fleet "
                            + "sets for each shard: leave it out");
                }
            }
        }
    }

    /** The run options with {@code --no-report} added (a shard's own report would only say the others are missing). */
    public List<String> shardRunArgs() {
        List<String> a = new ArrayList<>(runArgs);
        if (!a.contains("--no-report")) {
            a.add("--no-report");
        }
        return a;
    }

    /**
     * The POSIX shell lines one task runs, given the shell expression of its shard index (1 to N) and the run
     * options as the positional parameters {@code "$@"}; {@code DAYZERO}, {@code RESULTS} and {@code SHARDS} must be
     * set in the environment.
     */
    public static String body(String indexExpression) {
        return """
                i=%s
                case "$i" in ''|*[!0-9]*) echo "dayzero fleet: no shard index (got '$i')" >&2; exit 2;; esac
                dir="$RESULTS/shard-$i"
                mkdir -p "$RESULTS"
                set +e
                if [ -e "$dir/cases.jsonl" ]; then
                  "$DAYZERO" run --shard "$i/$SHARDS" --resume "$dir" "$@"
                else
                  "$DAYZERO" run --shard "$i/$SHARDS" --out "$dir" "$@"
                fi
                rc=$?
                set -e
                # a finished run wrote its manifest: failed or crashed cases are results, not a reason to retry
                if [ "$rc" -ne 2 ] && [ -f "$dir/MANIFEST.sha256" ]; then exit 0; fi
                exit "$rc"
                """.formatted(indexExpression);
    }

    /** {@code s} quoted for a POSIX shell: as it is when it is safe, else in single quotes. */
    public static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
