package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BackendsCommandTest {

    @Test
    void listsTheCpuBackendAndItsDevice() {
        CliTestSupport r = CliTestSupport.run("backends");
        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("cpu        available"), r.out());
        assertTrue(r.out().contains("[0] "), r.out());
    }

    @Test
    void jsonIsMachineReadable() throws Exception {
        CliTestSupport r = CliTestSupport.run("backends", "--json");
        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        JsonNode arr = new ObjectMapper().readTree(r.out());
        JsonNode cpu = null;
        for (JsonNode n : arr) {
            if (n.get("id").asText().equals("cpu")) {
                cpu = n;
            }
        }
        assertTrue(cpu != null && cpu.get("available").asBoolean(), r.out());
        assertEquals("cpu", cpu.get("devices").get(0).get("backendId").asText());
        assertTrue(cpu.get("devices").get(0).get("memoryBytes").asLong() > 0);
    }

    @Test
    void anUnknownOptionIsBadInputInOneLine() {
        CliTestSupport r = CliTestSupport.run("backends", "--jsn");
        assertEquals(ExitCode.BAD_INPUT, r.exitCode());
        assertTrue(r.err().startsWith("dayzero: Unknown option: '--jsn'"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
