package dev.dayzero.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsReaderTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownSchemaVersionIsRefusedNamingBoth() throws Exception {
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        node.put("schema", "dayzero.results/2");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p));
        assertTrue(e.getMessage().contains("dayzero.results/2") && e.getMessage().contains("dayzero.results/1"),
                e.getMessage());
    }

    @Test
    void aFileWithoutSchemaOrNotJsonIsRefused() throws Exception {
        Path p = dir.resolve("r.json");
        Files.writeString(p, "{\"cases\": []}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p)).getMessage()
                .contains("no \"schema\""));
        Files.writeString(p, "{nope");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p)).getMessage()
                .contains("not valid JSON"));
    }

    @Test
    void aBadSpecIsRefusedNamingTheField() throws Exception {
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        ((ObjectNode) node.get("cases").get(0).get("spec")).put("family", "conv2d");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p));
        assertTrue(e.getMessage().contains("spec.family"), e.getMessage());
    }

    @Test
    void typeIdsAreNotHonoured() throws Exception {
        // a results file is plain data: an "@class" field is an unknown field, ignored, never a type to build
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        ((ObjectNode) node.get("host")).put("@class", "java.lang.ProcessBuilder");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        assertEquals(ResultsStoreTest.file(), ResultsReader.read(p));
    }
}
