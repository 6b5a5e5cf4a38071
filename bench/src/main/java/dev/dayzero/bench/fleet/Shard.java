package dev.dayzero.bench.fleet;

/**
 * One slice of a plan: shard {@code index} of {@code count}, counted from 1 ({@code --shard 3/8} is the third of
 * eight). A Slurm array task id (array {@code 1-N}) is the index as it is; a Kubernetes completion index is the
 * index minus one.
 *
 * @param index which shard, 1 to {@code count}
 * @param count how many shards the plan is cut into, at least 1
 */
public record Shard(int index, int count) {

    public Shard {
        if (count < 1) {
            throw new IllegalArgumentException("--shard " + index + "/" + count + ": the shard count must be at least 1");
        }
        if (index < 1 || index > count) {
            throw new IllegalArgumentException("--shard " + index + "/" + count + ": the index must be 1 to " + count
                    + " (shards count from 1)");
        }
    }

    /**
     * Parses {@code i/N}.
     *
     * @throws IllegalArgumentException in one line naming the value and what was expected
     */
    public static Shard parse(String text) {
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || !t.substring(0, slash).matches("\\d{1,9}")
                || !t.substring(slash + 1).matches("\\d{1,9}")) {
            throw new IllegalArgumentException("--shard '" + text + "': expected i/N, shard i of N counted from 1, "
                    + "such as 1/4");
        }
        return new Shard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
    }

    /** {@code i/N}. */
    @Override
    public String toString() {
        return index + "/" + count;
    }
}
