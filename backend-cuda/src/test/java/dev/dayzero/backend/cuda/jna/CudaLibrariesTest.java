package dev.dayzero.backend.cuda.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaBackendProvider;
import dev.dayzero.backend.cuda.CudaConfig;
import dev.dayzero.hal.Probe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library discovery and the probe's sentences, with temporary directories as the only search path. */
class CudaLibrariesTest {

    @Test
    void probeSaysNoDriverWhenLibcudaIsAbsent(@TempDir Path empty) {
        Probe p = new CudaBackendProvider(CudaConfig.only(List.of(empty.toString()))).probe();
        assertFalse(p.available());
        assertEquals("cuda", p.backendId());
        assertTrue(p.reason().startsWith("libcuda.so.1 not found: no NVIDIA driver on this machine"), p.reason());
        assertTrue(p.reason().contains(empty.toString()), "names where it looked: " + p.reason());
        assertFalse(p.reason().contains("\n"), "one line");
    }

    @Test
    void firstDirectoryHoldingTheFileWins(@TempDir Path root) throws IOException {
        Path a = Files.createDirectories(root.resolve("a"));
        Path b = Files.createDirectories(root.resolve("b/lib64"));
        Path c = Files.createDirectories(root.resolve("c"));
        Files.createFile(b.resolve("libcuda.so.1"));
        Files.createFile(c.resolve("libcuda.so.1"));
        List<CudaConfig.SearchDir> path = List.of(new CudaConfig.SearchDir("X", null),
                new CudaConfig.SearchDir("A", a.toString()), new CudaConfig.SearchDir("B", root.resolve("b").toString()),
                new CudaConfig.SearchDir("C", c.toString()));
        assertEquals(b.resolve("libcuda.so.1"), CudaLibraries.find(path, List.of("libcuda.so.1")).orElseThrow(),
                "b/lib64 comes before c");
    }

    @Test
    void cublasLtPrefersTheNewestNameAndAcceptsAnExplicitFile(@TempDir Path root) throws IOException {
        Files.createFile(root.resolve("libcublasLt.so.12"));
        Files.createFile(root.resolve("libcublasLt.so.13"));
        List<CudaConfig.SearchDir> dir = List.of(new CudaConfig.SearchDir("d", root.toString()));
        assertEquals(root.resolve("libcublasLt.so.13"), CudaLibraries.find(dir, CudaLibraries.CUBLASLT_FILES).orElseThrow());
        List<CudaConfig.SearchDir> file = List.of(new CudaConfig.SearchDir("f", root.resolve("libcublasLt.so.12").toString()));
        assertEquals(root.resolve("libcublasLt.so.12"), CudaLibraries.find(file, CudaLibraries.CUBLASLT_FILES).orElseThrow());
    }

    @Test
    void aFileThatIsNotALibraryIsReportedAsUnloadable(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("libcuda.so.1"), "not an ELF file");
        Probe p = new CudaBackendProvider(CudaConfig.only(List.of(root.toString()))).probe();
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("libcuda.so.1 at " + root.resolve("libcuda.so.1") + " could not be loaded"), p.reason());
    }

    @Test
    void missingCublasLtSaysWhereItLooked(@TempDir Path root) {
        CudaLibraries.Result r = CudaLibraries.load(CudaConfig.only(List.of(root.toString())));
        assertTrue(r.cublasLt().isEmpty());
        assertTrue(r.cublasLtReason().startsWith("cuBLASLt (libcublasLt.so.13 or .so.12) not found in test (" + root + ")"),
                r.cublasLtReason());
        assertTrue(r.cublasLtReason().contains(CudaConfig.CUBLASLT_PROPERTY));
    }

    @Test
    void describeGroupsASourcesDirectories() {
        String s = CudaLibraries.describe(List.of(new CudaConfig.SearchDir("CUDA_HOME", null),
                new CudaConfig.SearchDir("LD_LIBRARY_PATH", "/a"), new CudaConfig.SearchDir("LD_LIBRARY_PATH", "/b"),
                new CudaConfig.SearchDir("/usr/local/cuda", "/usr/local/cuda")));
        assertEquals("CUDA_HOME (unset), LD_LIBRARY_PATH (/a:/b) or /usr/local/cuda", s);
    }
}
