package dev.dayzero.bench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A run directory: {@code cases.jsonl}, appended one finished case at a time and forced to disk before
 * {@link #append} returns (so killing the process loses no finished case), and {@code results.json},
 * written at the end to a temporary file that is then renamed over the old one.
 *
 * <p>On {@link #resume}, the records already in {@code cases.jsonl} are read back; a last line cut short
 * by a kill (no newline at the end, or not parseable) is dropped and the file truncated to the last whole
 * line, so later appends start clean. A bad line anywhere else is an error naming the line.
 *
 * <p>Thread-safe: appends are serialised. Owns one open file channel; {@link #close()} releases it.
 */
public final class ResultsStore implements AutoCloseable {
    /** File name of the case log. */
    public static final String CASES_FILE = "cases.jsonl";
    /** File name of the results file. */
    public static final String RESULTS_FILE = "results.json";

    private final Path dir;
    private final FileChannel channel;
    private final List<CaseRecord> records;
    private final int recovered;
    private final String droppedTail;

    private ResultsStore(Path dir, FileChannel channel, List<CaseRecord> records, String droppedTail) {
        this.dir = dir;
        this.channel = channel;
        this.records = records;
        this.recovered = records.size();
        this.droppedTail = droppedTail;
    }

    /**
     * A fresh run in {@code dir} (created if missing).
     *
     * @throws IllegalArgumentException if {@code dir} already holds a non-empty {@code cases.jsonl}
     */
    public static ResultsStore create(Path dir) {
        Path cases = dir.resolve(CASES_FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(cases) && Files.size(cases) > 0) {
                throw new IllegalArgumentException(dir + " already holds a run (" + CASES_FILE
                        + "); resume it with --resume or choose another output directory");
            }
            return new ResultsStore(dir, open(cases), new ArrayList<>(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Continues the run in {@code dir}: its finished cases are read back (a fresh run if there are none). */
    public static ResultsStore resume(Path dir) {
        Path cases = dir.resolve(CASES_FILE);
        try {
            Files.createDirectories(dir);
            if (!Files.exists(cases)) {
                return new ResultsStore(dir, open(cases), new ArrayList<>(), null);
            }
            byte[] all = Files.readAllBytes(cases);
            ObjectMapper mapper = ResultsJson.mapper();
            List<CaseRecord> records = new ArrayList<>();
            int start = 0;
            int lineNo = 0;
            long goodEnd = 0;
            String dropped = null;
            while (start < all.length) {
                lineNo++;
                int nl = indexOf(all, (byte) '\n', start);
                boolean last = nl < 0 || nl == all.length - 1;
                int end = nl < 0 ? all.length : nl;
                String line = new String(all, start, end - start, StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    try {
                        if (nl < 0) {
                            throw new IOException("no newline at the end");
                        }
                        records.add(mapper.readValue(line, CaseRecord.class));
                    } catch (IOException | RuntimeException e) {
                        if (!last) {
                            throw new IllegalArgumentException(cases + " line " + lineNo + " is not a case record ("
                                    + e.getMessage().lines().findFirst().orElse("") + "); only a cut-off last line "
                                    + "is tolerated", e);
                        }
                        dropped = line;
                        break;
                    }
                }
                goodEnd = end + 1L;
                start = end + 1;
            }
            FileChannel ch = FileChannel.open(cases, StandardOpenOption.WRITE);
            if (dropped != null || goodEnd < all.length) {
                ch.truncate(Math.min(goodEnd, all.length));
                ch.force(true);
            }
            ch.close();
            return new ResultsStore(dir, open(cases), records, dropped);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cases + ": " + e.getMessage(), e);
        }
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public Path directory() {
        return dir;
    }

    public Path casesFile() {
        return dir.resolve(CASES_FILE);
    }

    public Path resultsFile() {
        return dir.resolve(RESULTS_FILE);
    }

    /** Records read back on resume (before any append of this store). */
    public int recoveredCount() {
        return recovered;
    }

    /** The cut-off last line that {@link #resume} dropped, when there was one. */
    public java.util.Optional<String> droppedTail() {
        return java.util.Optional.ofNullable(droppedTail);
    }

    /** Appends one finished case as one line and forces it to disk before returning. */
    public synchronized void append(CaseRecord record) {
        byte[] line;
        try {
            line = (ResultsJson.mapper().writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the record of " + record.key() + ": " + e.getMessage(), e);
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + casesFile() + ": " + e.getMessage(), e);
        }
        records.add(record);
    }

    /** Every record of the run so far, in file order. */
    public synchronized List<CaseRecord> records() {
        return List.copyOf(records);
    }

    /** The keys of every finished case, for {@code --resume}. */
    public synchronized Set<CaseKey> finishedIds() {
        Set<CaseKey> keys = new LinkedHashSet<>();
        records.forEach(r -> keys.add(r.key()));
        return keys;
    }

    /** Writes {@code results.json}: to a temporary file, forced, then renamed over the old one. */
    public Path writeResults(ResultsFile results) {
        Path target = resultsFile();
        Path tmp = dir.resolve(RESULTS_FILE + ".tmp");
        try {
            byte[] bytes = ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(results);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + casesFile() + ": " + e.getMessage(), e);
        }
    }
}
