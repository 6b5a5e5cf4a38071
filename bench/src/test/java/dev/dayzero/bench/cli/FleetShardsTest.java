package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * N = 3 shards of a small plan, run as 3 local processes one after another, fold into the report one run of the
 * whole plan gives (same cases, same statuses); a missing shard and a shard of another plan are named.
 */
class FleetShardsTest {
    static final String TINY = """
            {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 256,
             "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32, "num_hidden_layers": 2,
             "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 128, "vocab_size": 1000}
            """;

    @TempDir
    Path tmp;

    static List<String> runArgs(Path config, String context) {
        return List.of("--config", config.toString(), "--backends", "cpu", "--phase", "decode,prefill", "--batch", "2",
                "--context", context, "--prefill-len", "16", "--min-time", "5ms", "--worker-heap", "512m", "--no-report");
    }

    /** {@code dayzero ARGS} in a JVM of its own; returns its output, after checking the exit code. */
    static String dayzero(int expected, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(expected, p.exitValue(), out);
        return out;
    }

    /** (case, device, status) of every row of a report's summary.csv. */
    static Set<String> caseDeviceStatus(Path reportDir) throws Exception {
        List<String> lines = Files.readAllLines(reportDir.resolve("summary.csv"));
        List<String> header = csv(lines.get(0));
        int id = header.indexOf("case_id");
        int device = header.indexOf("device");
        int status = header.indexOf("status");
        Set<String> out = new TreeSet<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csv(line);
            out.add(f.get(id) + " | " + f.get(device) + " | " + f.get(status));
        }
        return out;
    }

    static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    @Test
    void threeShardsFoldIntoWhatOneRunGives() throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), TINY);
        List<String> base = runArgs(config, "64");

        List<String> single = new ArrayList<>(List.of("run", "--out", tmp.resolve("single").toString()));
        single.addAll(base);
        CliTestSupport one = CliTestSupport.run(single.toArray(String[]::new));
        assertEquals(ExitCode.OK, one.exitCode(), one.out() + one.err());

        Set<String> ids = new HashSet<>();
        List<Path> shards = new ArrayList<>();
        for (int i = 1; i <= 3; i++) { // one after another: shards on one machine must not time each other
            Path dir = tmp.resolve("shards").resolve("shard-" + i);
            List<String> args = new ArrayList<>(List.of("run", "--shard", i + "/3", "--out", dir.toString()));
            args.addAll(base);
            String out = dayzero(ExitCode.OK, args);
            assertTrue(out.contains("shard " + i + "/3 of plan "), out);
            JsonNode plan = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("plan");
            assertEquals(i, plan.get("shard").get("index").asInt());
            assertEquals(3, plan.get("shard").get("count").asInt());
            plan.get("shard").get("caseIds").forEach(n -> assertTrue(ids.add(n.asText()), "in two shards: " + n));
            shards.add(dir);
        }
        JsonNode whole = new ObjectMapper().readTree(tmp.resolve("single").resolve("results.json").toFile());
        assertEquals(whole.get("plan").get("fingerprint"), new ObjectMapper().readTree(
                shards.get(0).resolve("results.json").toFile()).get("plan").get("fingerprint"), "one plan");
        assertFalse(whole.get("plan").has("shard"), "a run of the whole plan names no shard");
        assertEquals(whole.get("cases").size(), ids.size(), "the shards hold every case once");
        assertTrue(ids.size() >= 6, "decode and prefill cases: " + ids);

        Path singleReport = tmp.resolve("single-report");
        CliTestSupport r1 = CliTestSupport.run("report", tmp.resolve("single").toString(), "--out", singleReport.toString());
        assertEquals(ExitCode.OK, r1.exitCode(), r1.out() + r1.err());
        Path folded = tmp.resolve("folded-report");
        CliTestSupport r3 = CliTestSupport.run("report", shards.get(2).toString(), shards.get(0).toString(),
                shards.get(1).toString(), "--out", folded.toString());
        assertEquals(ExitCode.OK, r3.exitCode(), r3.out() + r3.err());
        assertEquals("", r3.err(), "complete: nothing to say");
        Set<String> expected = caseDeviceStatus(singleReport);
        assertEquals(expected, caseDeviceStatus(folded), "the same cases, device column and statuses");
        assertEquals(1, expected.stream().map(s -> s.split(" \\| ")[1]).distinct().count(), "one column");
        String md = Files.readString(folded.resolve("report.md"));
        assertTrue(md.contains("Shards folded") && md.contains("3 of 3") && md.contains("complete"), md);

        Path partial = tmp.resolve("partial-report");
        CliTestSupport missing = CliTestSupport.run("report", shards.get(0).toString(), shards.get(1).toString(),
                "--out", partial.toString());
        assertEquals(ExitCode.OK, missing.exitCode(), missing.out() + missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("shard 3 of 3 is missing"), missing.err());
        assertTrue(Files.readString(partial.resolve("report.md")).contains("shard 3 of 3 is missing"));

        Path other = tmp.resolve("other-plan").resolve("shard-3");
        List<String> otherArgs = new ArrayList<>(List.of("run", "--shard", "3/3", "--out", other.toString()));
        otherArgs.addAll(runArgs(config, "32"));
        dayzero(ExitCode.OK, otherArgs);
        CliTestSupport mixed = CliTestSupport.run("report", shards.get(0).toString(), shards.get(1).toString(),
                other.toString(), "--out", tmp.resolve("mixed-report").toString());
        assertEquals(ExitCode.OK, mixed.exitCode(), mixed.out() + mixed.err());
        List<String> notes = mixed.err().strip().lines().toList();
        String refusal = notes.stream().filter(l -> l.contains("not folded together")).findFirst().orElse("");
        assertTrue(refusal.contains(other.toString()) && refusal.contains("each plan keeps its own column"), mixed.err());
        assertTrue(mixed.err().contains("shard 3 of 3 is missing"), "the first plan still lacks its shard 3");
        assertEquals(2, caseDeviceStatus(tmp.resolve("mixed-report")).stream().map(s -> s.split(" \\| ")[1])
                .distinct().count(), "the other plan is its own column");

        // --resume per shard: a directory holds one shard of one plan
        List<String> wrong = new ArrayList<>(List.of("run", "--shard", "2/3", "--resume", shards.get(0).toString()));
        wrong.addAll(base);
        CliTestSupport refused = CliTestSupport.run(wrong.toArray(String[]::new));
        assertEquals(ExitCode.BAD_INPUT, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().lines().findFirst().orElse("").contains("holds shard 1/3"), refused.err());
        List<String> otherPlan = new ArrayList<>(List.of("run", "--shard", "3/3", "--resume", shards.get(2).toString()));
        otherPlan.addAll(runArgs(config, "32"));
        CliTestSupport refused2 = CliTestSupport.run(otherPlan.toArray(String[]::new));
        assertEquals(ExitCode.BAD_INPUT, refused2.exitCode(), refused2.out() + refused2.err());
        assertTrue(refused2.err().contains("not this command's shard 3/3 of plan"), refused2.err());
    }

    @Test
    void badShardsAreOneLineAndExitTwo() {
        for (String bad : List.of("0/0", "5/4", "x")) {
            CliTestSupport r = CliTestSupport.run("run", "--shard", bad, "--model", "deepseek-v3", "--backends", "cpu",
                    "--out", tmp.resolve("never").toString());
            assertEquals(ExitCode.BAD_INPUT, r.exitCode(), bad + ": " + r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("dayzero: --shard"), r.err());
            assertTrue(r.err().contains(bad), r.err());
            assertFalse(Files.exists(tmp.resolve("never")), "nothing ran");
        }
    }
}
