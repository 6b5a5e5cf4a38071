package dev.dayzero.backend.cpu.internal.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The build's narrower-vector test runs (backend-cpu's pom: {@code -XX:UseAVX=2}, {@code -XX:UseAVX=1}) set
 * {@code dayzero.test.maxVectorBits}; on x86 the Vector API path must then run at most that wide, or those runs
 * would only repeat the default width without saying so.
 */
class VectorWidthTest {

    @Test
    void theVectorPathRunsNoWiderThanTheRunAskedFor() {
        String max = System.getProperty("dayzero.test.maxVectorBits");
        Assumptions.assumeTrue(max != null, "not a narrower-vector run (dayzero.test.maxVectorBits unset)");
        Assumptions.assumeTrue(Set.of("amd64", "x86_64").contains(System.getProperty("os.arch")),
                "-XX:UseAVX is x86's: elsewhere the run keeps the machine's width");
        String name = Simds.create(new CpuConfig(1, true)).name(); // "FloatVector 256-bit"
        int bits = Integer.parseInt(name.replaceAll("\\D+", " ").trim().split(" ")[0]);
        assertTrue(bits <= Integer.parseInt(max), name + " in a run limited to " + max + " bits");
    }
}
