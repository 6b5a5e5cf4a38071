package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The new workload cases can be found by id and dumped with the oracle's scores and one valid top-k answer. */
class DumpIndexerTest {
    @TempDir
    Path dir;

    @Test
    void workloadIdsOfTheNewCasesRebuildTheirSpecs() {
        WorkloadCase d = CaseCatalog.find("deepseek-v3.2-exp/decode/b2/ctx300/tp1-ep32/uniform/indexer-topk",
                Optional.empty());
        IndexerSpec.PagedIndexerTopK x = assertInstanceOf(IndexerSpec.PagedIndexerTopK.class, d.spec());
        assertEquals(List.of(300, 300), x.cache().seqLens());
        assertEquals("indexer-topk", d.operator());
        WorkloadCase p = CaseCatalog.find("glm-5/prefill/b1/len40/tp8-ep1/uniform/indexer-topk", Optional.empty());
        assertEquals(32, assertInstanceOf(IndexerSpec.IndexerTopK.class, p.spec()).heads());
        WorkloadCase s = CaseCatalog.find("glm-5/prefill/b1/len40/tp8-ep1/uniform/sparse-prefill", Optional.empty());
        assertEquals("sparse-prefill", assertInstanceOf(AttentionSpec.SparsePrefill.class, s.spec()).variant());
    }

    @Test
    void anIndexerDumpHoldsTheInputsTheScoresAndAValidAnswer() throws Exception {
        // 40 prompt tokens, top-2048: every row keeps all the keys it sees, then -1s
        String id = "glm-5/prefill/b1/len40/tp8-ep1/uniform/indexer-topk";
        Path out = dir.resolve("d");
        CliTestSupport r = CliTestSupport.run("dump", "--case", id, "--backend", "cpu", "--out", out.toString());
        assertTrue(r.exitCode() == ExitCode.OK || r.exitCode() == ExitCode.FAILED, r.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("case.json").toFile());
        assertEquals("indexer", json.get("spec").get("family").asText());
        assertEquals("topk", json.get("spec").get("variant").asText());
        Set<String> names = new HashSet<>();
        json.get("files").forEach(f -> names.add(f.get("file").asText()));
        for (String f : List.of("input.q.fp8-e4m3fn-as-uint8.npy", "input.k.fp8-e4m3fn-as-uint8.npy",
                "input.k_scale.f32.npy", "input.weights.f32.npy", "input.ks.int32.npy", "input.ke.int32.npy",
                "oracle.scores.f64.npy", "oracle.indices.int32.npy")) {
            assertTrue(names.contains(f) && Files.isRegularFile(out.resolve(f)), f + " in " + names);
        }
        JsonNode scores = json.get("files").findParent("firstKeyFile");
        assertEquals("oracle.scores.first-key.int32.npy", scores.get("firstKeyFile").asText());
        assertEquals("oracle.indices.rows.int32.npy", scores.get("rowsFile").asText());
        int[] rows = ints(out.resolve("oracle.indices.rows.int32.npy"));
        int[] answer = ints(out.resolve("oracle.indices.int32.npy"));
        int[] first = ints(out.resolve("oracle.scores.first-key.int32.npy"));
        assertEquals(rows.length * 2048, answer.length);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(0, first[i], "one sequence: its first key is row 0");
            Set<Integer> got = new HashSet<>();
            for (int j = 0; j < 2048; j++) {
                int v = answer[i * 2048 + j];
                if (j <= rows[i]) {
                    assertTrue(v >= 0 && v <= rows[i], "row " + rows[i] + " slot " + j + ": " + v);
                    got.add(v);
                } else {
                    assertEquals(-1, v, "row " + rows[i] + " slot " + j);
                }
            }
            assertEquals(rows[i] + 1, got.size(), "token " + rows[i] + " keeps each of the keys it sees once");
        }
    }

    /** The values of an int32 .npy file (header skipped). */
    private static int[] ints(Path file) throws Exception {
        byte[] all = Files.readAllBytes(file);
        int header = (all[8] & 0xff) | (all[9] & 0xff) << 8;
        ByteBuffer b = ByteBuffer.wrap(all, 10 + header, all.length - 10 - header).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getInt();
        }
        return v;
    }
}
