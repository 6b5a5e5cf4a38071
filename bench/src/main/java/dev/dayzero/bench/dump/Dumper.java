package dev.dayzero.bench.dump;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dayzero.bench.spec.SpecJson;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.CaseResult;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.RowSampler;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import dev.dayzero.tck.oracle.IndexerScores;
import dev.dayzero.tck.oracle.CacheWriteReference;
import dev.dayzero.tck.oracle.Oracle;
import dev.dayzero.tck.oracle.QuantizeReference;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes one case for debugging in a vendor's own tools: every input, the backend's outputs and the
 * oracle's outputs as {@code .npy} files (for an indexer top-k: the oracle's scores and one valid answer), and {@code case.json} (spec, seed, files with their dtypes
 * and roles, the verdict). BF16 tensors are stored as {@code uint16} and FP8 as {@code uint8} (the raw
 * codes), and their file names say so: {@code input.q.bf16-as-uint16.npy}.
 */
public final class Dumper {
    private Dumper() {
    }

    /** Dumps {@code c} run on {@code device} into {@code dir} (created); returns the verdict. */
    public static CaseResult dump(Device device, WorkloadCase c, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode json = mapper.createObjectNode();
        json.put("id", c.id());
        json.put("seed", c.seed());
        json.put("backend", device.info().backendId());
        json.set("device", mapper.valueToTree(device.info()));
        json.set("spec", SpecJson.toJson(c.spec()));
        ArrayNode files = json.putArray("files");

        OpSpec spec = c.spec();
        List<HostTensor> inputs = InputGenerator.generate(spec, c.seed());
        for (HostTensor t : inputs) {
            files.add(writeTensor(mapper, dir, "input", t));
        }
        ConformanceRunner.BackendRun run = ConformanceRunner.execute(device, spec, inputs);
        if (run.failure().isPresent()) {
            json.put("backendFailure", run.failure().get().label() + ": " + run.failureMessage());
        }
        for (HostTensor t : run.outputs()) {
            files.add(writeTensor(mapper, dir, "backend", t));
        }
        writeOracle(mapper, dir, files, spec, inputs, c.seed());

        CaseResult verdict = ConformanceRunner.check(device, c.id(), spec, c.seed());
        ObjectNode v = json.putObject("verdict");
        v.put("status", verdict.status().label());
        v.put("message", verdict.message());
        v.put("rowsChecked", verdict.rowsChecked());
        v.put("rowsTotal", verdict.rowsTotal());
        mapper.writeValue(dir.resolve("case.json").toFile(), json);
        return verdict;
    }

    private static void writeOracle(ObjectMapper mapper, Path dir, ArrayNode files, OpSpec spec,
                                    List<HostTensor> inputs, long seed) throws IOException {
        if (spec instanceof QuantizeSpec q) {
            QuantizeReference ref = Oracle.quantize(q, inputs.get(0));
            TensorSpec codes = q.outputs().get(0);
            TensorSpec scales = q.outputs().get(1);
            files.add(writeTensor(mapper, dir, "oracle", new HostTensor(codes, ByteBuffer.wrap(ref.codes()))));
            files.add(writeTensor(mapper, dir, "oracle", new HostTensor(scales, ByteBuffer.wrap(ref.scaleBytes()))));
            return;
        }
        if (spec instanceof CacheWriteSpec.QuantInsert w) {
            // the whole cache the write must leave, starting from the kit's fill byte in every position
            CacheWriteReference ref = Oracle.cacheWrite(w, inputs, ConformanceRunner.FILL);
            files.add(writeTensor(mapper, dir, "oracle", new HostTensor(w.outputs().get(0), ByteBuffer.wrap(ref.bytes()))));
            return;
        }
        if (spec instanceof IndexerSpec x && !(spec instanceof IndexerSpec.IndexerLogits)) {
            writeIndexerOracle(mapper, dir, files, x, inputs, seed);
            return;
        }
        int[] rows = RowSampler.select(spec, seed);
        double[][] values = ConformanceRunner.oracleRows(spec, inputs, rows);
        String name = spec.outputs().get(0).name();
        Path valuesFile = dir.resolve("oracle." + name + ".f64.npy");
        Path rowsFile = dir.resolve("oracle." + name + ".rows.int32.npy");
        Npy.writeF64(valuesFile, values);
        Npy.writeI32(rowsFile, rows);
        ObjectNode f = files.addObject();
        f.put("role", "oracle");
        f.put("tensor", name);
        f.put("file", valuesFile.getFileName().toString());
        f.put("dtype", "F64");
        f.put("npy", "<f8");
        f.put("rowsFile", rowsFile.getFileName().toString());
        f.put("note", "unrounded F64 reference for the output rows listed in rowsFile, in the 2-D view [rows, "
                + "everything after the row dimensions]; the kit compares the backend's rows with these");
    }

    /**
     * The indexer's top-k has no unique answer (ties, and any order within the top k), so the oracle writes
     * what judges one: for the sampled rows, the score of every key each row sees ({@code -inf} past the
     * row's keys; column {@code j} is key {@code j} of the sequence in decode, global key row {@code ks + j}
     * in prefill, {@code ks} in the first-key file) and one valid answer (the highest scores, ties to the
     * lower key, then {@code -1}), in the output's own indexing.
     */
    private static void writeIndexerOracle(ObjectMapper mapper, Path dir, ArrayNode files, IndexerSpec spec,
                                           List<HostTensor> inputs, long seed) throws IOException {
        int[] rows = RowSampler.select(spec, seed);
        IndexerScores ref = Oracle.indexerScores(spec, inputs, rows);
        TensorSpec out = spec.outputs().get(0);
        int topk = Math.toIntExact(out.dim(1));
        int width = 1;
        for (double[] r : ref.scores()) {
            width = Math.max(width, r.length);
        }
        double[][] scores = new double[rows.length][width];
        int[] firstKey = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            java.util.Arrays.fill(scores[r], Double.NEGATIVE_INFINITY);
            System.arraycopy(ref.scores()[r], 0, scores[r], 0, ref.scores()[r].length);
            firstKey[r] = spec instanceof IndexerSpec.IndexerTopK ? Math.toIntExact(rows[r] - (spec.validKeys(rows[r]) - 1))
                    : 0;
        }
        int[][] answer = Oracle.indexerTopK(spec, topk, inputs, rows);
        String name = out.name();
        Path scoresFile = dir.resolve("oracle.scores.f64.npy");
        Path firstFile = dir.resolve("oracle.scores.first-key.int32.npy");
        Path answerFile = dir.resolve("oracle." + name + ".int32.npy");
        Path rowsFile = dir.resolve("oracle." + name + ".rows.int32.npy");
        Npy.writeF64(scoresFile, scores);
        Npy.writeI32(firstFile, firstKey);
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(rows.length, topk * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] row : answer) {
            for (int v : row) {
                b.putInt(v);
            }
        }
        b.flip();
        Npy.write(answerFile, "<i4", List.of((long) rows.length, (long) topk), b);
        Npy.writeI32(rowsFile, rows);
        ObjectNode f = files.addObject();
        f.put("role", "oracle");
        f.put("tensor", "scores");
        f.put("file", scoresFile.getFileName().toString());
        f.put("dtype", "F64");
        f.put("npy", "<f8");
        f.put("rowsFile", rowsFile.getFileName().toString());
        f.put("firstKeyFile", firstFile.getFileName().toString());
        f.put("note", "unrounded F64 score of every key each sampled query row sees, -inf past its keys; column j is"
                + " key firstKey + j (decode: the key's position in its sequence; prefill: a global key row)");
        ObjectNode a = files.addObject();
        a.put("role", "oracle");
        a.put("tensor", name);
        a.put("file", answerFile.getFileName().toString());
        a.put("dtype", "I32");
        a.put("npy", "<i4");
        a.put("rowsFile", rowsFile.getFileName().toString());
        a.put("note", "one valid top-" + topk + " answer for the sampled rows (highest scores, ties to the lower key,"
                + " then -1); the kit accepts any order and either side of a tie, judging each returned key by its"
                + " score against the k-th");
    }

    private static ObjectNode writeTensor(ObjectMapper mapper, Path dir, String role, HostTensor t) throws IOException {
        DType dtype = t.dtype();
        String descr;
        String suffix;
        switch (dtype) {
            case BF16 -> {
                descr = "<u2";
                suffix = "bf16-as-uint16";
            }
            case F16 -> {
                descr = "<f2";
                suffix = "f16";
            }
            case F8_E4M3FN, F8_E5M2 -> {
                descr = "|u1";
                suffix = dtype.canonicalName().replace("float8_", "fp8-") + "-as-uint8";
            }
            case UE8M0 -> {
                descr = "|u1";
                suffix = "ue8m0-as-uint8";
            }
            case U8 -> {
                descr = "|u1";
                suffix = "uint8";
            }
            case I8 -> {
                descr = "|i1";
                suffix = "int8";
            }
            case I32 -> {
                descr = "<i4";
                suffix = "int32";
            }
            case I64 -> {
                descr = "<i8";
                suffix = "int64";
            }
            default -> {
                descr = "<f4";
                suffix = "f32";
            }
        }
        Path file = dir.resolve(role + "." + t.name() + "." + suffix + ".npy");
        Npy.write(file, descr, t.spec().shape(), t.bytes());
        ObjectNode f = mapper.createObjectNode();
        f.put("role", role);
        f.put("tensor", t.name());
        f.put("file", file.getFileName().toString());
        f.put("dtype", dtype.name());
        f.put("npy", descr);
        f.set("shape", mapper.valueToTree(t.spec().shape()));
        return f;
    }
}
