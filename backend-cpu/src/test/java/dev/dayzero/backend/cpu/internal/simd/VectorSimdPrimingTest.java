package dev.dayzero.backend.cpu.internal.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

/**
 * The operator caches VectorSimd primes at start-up cover every lanewise and reduction operator its kernels use: an
 * operator first used in compiled code records a class-check trap that later compilations count against C2's limit
 * (VectorSimd.primeOperatorCaches), so a kernel written with a new operator must add it to VectorSimd.PRIMED.
 */
class VectorSimdPrimingTest {
    private static final Path SOURCE = Path.of("src/main/java/dev/dayzero/backend/cpu/internal/simd/VectorSimd.java");
    /** The operator methods of the Vector API's classes, by the operator each applies. */
    private static final Map<String, String> METHODS = Map.ofEntries(Map.entry("add", "ADD"), Map.entry("sub", "SUB"),
            Map.entry("mul", "MUL"), Map.entry("div", "DIV"), Map.entry("max", "MAX"), Map.entry("min", "MIN"),
            Map.entry("abs", "ABS"), Map.entry("neg", "NEG"), Map.entry("and", "AND"), Map.entry("or", "OR"),
            Map.entry("not", "NOT"), Map.entry("fma", "FMA"), Map.entry("sqrt", "SQRT"), Map.entry("pow", "POW"));

    @Test
    void everyOperatorTheKernelsUseIsPrimed() throws Exception {
        Set<String> used = operatorsUsedIn(Files.readString(SOURCE));
        assertTrue(used.containsAll(Set.of("FMA", "LSHL", "ADD", "MAX")), "the scan finds the kernels' operators: " + used);
        Set<String> primed = new TreeSet<>();
        VectorSimd.PRIMED.forEach(op -> primed.add(op.name()));
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(primed);
        assertEquals(Set.of(), missing, "operators VectorSimd uses but does not prime (add them to VectorSimd.PRIMED)");
    }

    @Test
    void theScanSeesBothTheOperatorConstantsAndTheOperatorMethods() throws Exception {
        Set<String> used = operatorsUsedIn("""
                a.lanewise(VectorOperators.LSHL, 3).reduceLanes(VectorOperators.MAX);
                b = c.fma(d, e).sqrt().compare(VectorOperators.LT, f).convert(VectorOperators.B2I, 0);
                """);
        assertEquals(new TreeSet<>(Set.of("LSHL", "MAX", "FMA", "SQRT")), used,
                "comparisons and conversions use no operator cache and are left out");
    }

    @Test
    void primingAppliesEveryPrimedOperatorToSomeElementType() {
        Set<VectorOperators.Operator> applied = VectorSimd.primeOperatorCaches();
        Set<String> notApplied = new TreeSet<>();
        VectorSimd.PRIMED.stream().filter(op -> !applied.contains(op)).forEach(op -> notApplied.add(op.name()));
        assertEquals(Set.of(), notApplied, "operators no element type here has");
        assertFalse(applied.isEmpty());
    }

    /** Names of the operators a source text applies: VectorOperators constants and operator methods. */
    private static Set<String> operatorsUsedIn(String source) throws Exception {
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("VectorOperators\\.([A-Z][A-Z0-9_]*)\\b").matcher(source);
        while (m.find()) {
            Object op = VectorOperators.class.getField(m.group(1)).get(null);
            if (!(op instanceof VectorOperators.Conversion) && !(op instanceof VectorOperators.Comparison)) {
                used.add(m.group(1));
            }
        }
        Matcher call = Pattern.compile("\\.([a-z]+)\\(").matcher(source);
        while (call.find()) {
            String op = METHODS.get(call.group(1));
            if (op != null) {
                used.add(op);
            }
        }
        return used;
    }
}
