package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's usage help renders cleanly: picocli formats descriptions with {@code String.format}, so a bare
 * {@code %} ("0.5% RSD") makes it warn "Could not format ..." on stderr (through its tracer, on {@code System.err})
 * and print the raw text. Renders the help of {@code dayzero} and of every subcommand, capturing both.
 */
class UsageHelpTest {

    /** Each command's qualified name and its rendered usage help, with what was printed to System.err meanwhile. */
    private static Map<String, String[]> renderAll() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Map<String, String[]> out = new TreeMap<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
            List<CommandLine> todo = new ArrayList<>(List.of(root));
            while (!todo.isEmpty()) {
                CommandLine cl = todo.remove(0);
                captured.reset();
                String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
                System.err.flush();
                out.put(cl.getCommandSpec().qualifiedName(), new String[] {usage,
                        captured.toString(StandardCharsets.UTF_8)});
                todo.addAll(cl.getSubcommands().values());
            }
        } finally {
            System.setErr(oldErr);
        }
        return out;
    }

    @Test
    void everyCommandsHelpRendersWithoutFormatWarnings() {
        Map<String, String[]> all = renderAll();
        for (String c : List.of("dayzero", "dayzero backends", "dayzero models", "dayzero run", "dayzero conform",
                "dayzero dump", "dayzero report")) {
            assertTrue(all.containsKey(c), "rendered " + all.keySet());
        }
        Map<String, String> bad = new TreeMap<>();
        all.forEach((name, r) -> {
            if (r[0].contains("Could not format") || r[1].contains("Could not format") || r[0].contains("%n")) {
                bad.put(name, r[1].isBlank() ? r[0] : r[1]);
            }
        });
        assertEquals(Map.of(), bad, "usage help that picocli could not format (a bare % in a description needs %%)");
    }

    @Test
    void thePercentSignsAreRenderedOnce() {
        Map<String, String[]> all = renderAll();
        for (String c : List.of("dayzero run", "dayzero conform")) {
            String usage = all.get(c)[0].replaceAll("\\s+", " ");
            if (usage.contains("RSD")) {
                assertTrue(usage.contains("0.5% RSD"), c + ": " + usage);
                assertFalse(usage.contains("%%"), c + ": " + usage);
            }
        }
        assertTrue(all.get("dayzero run")[0].replaceAll("\\s+", " ").contains("0.5% RSD"),
                "run --help mentions the 0.5% RSD stop");
    }

    /** The help the user sees through the command line, stderr included, is clean too. */
    @Test
    void helpThroughTheCommandLineIsClean() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (String c : List.of("run", "conform", "dump", "report", "backends", "models")) {
                CliTestSupport r = CliTestSupport.run(c, "--help");
                assertEquals(0, r.exitCode(), c + " --help");
                assertFalse((r.out() + r.err()).contains("Could not format"), c + ": " + r.out() + r.err());
            }
        } finally {
            System.setErr(oldErr);
        }
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("Could not format"),
                captured.toString(StandardCharsets.UTF_8));
    }

    /** conform lists only the options it uses, and its own --out default. */
    @Test
    void conformHelpListsOnlyItsOptions() {
        String conform = CliTestSupport.run("conform", "--help").out();
        for (String unused : List.of("--backends", "--min-time", "--cold-cache")) {
            assertFalse(conform.contains(unused), "conform --help lists " + unused + ":\n" + conform);
        }
        assertTrue(conform.replaceAll("\\s+", " ").contains("results/runs/<date>-conform-<backend>/"), conform);
        String run = CliTestSupport.run("run", "--help").out();
        for (String used : List.of("--backends", "--min-time", "--cold-cache")) {
            assertTrue(run.contains(used), "run --help lists " + used);
        }
    }
}
