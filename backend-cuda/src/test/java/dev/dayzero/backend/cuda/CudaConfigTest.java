package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order, resolved from given properties and environment. */
class CudaConfigTest {

    private static List<String> dirs(List<CudaConfig.SearchDir> path) {
        return path.stream().map(d -> d.source() + "=" + d.dir()).toList();
    }

    @Test
    void driverOrderIsExplicitThenCudaHomeThenCudaPathThenLdLibraryPathThenDefaults() {
        Map<String, String> props = Map.of(CudaConfig.HOME_PROPERTY, "/prop");
        Map<String, String> env = Map.of(CudaConfig.HOME_ENV, "/env", "CUDA_HOME", "/ch", "CUDA_PATH", "/cp",
                "LD_LIBRARY_PATH", "/l1:/l2");
        CudaConfig c = CudaConfig.resolve(null, props::get, env::get);
        assertEquals(List.of(CudaConfig.HOME_PROPERTY + "=/prop", "CUDA_HOME=/ch", "CUDA_PATH=/cp", "LD_LIBRARY_PATH=/l1",
                "LD_LIBRARY_PATH=/l2", "/usr/local/cuda=/usr/local/cuda", "/usr/lib/x86_64-linux-gnu=/usr/lib/x86_64-linux-gnu",
                "/usr/lib64=/usr/lib64", "/usr/lib/wsl/lib=/usr/lib/wsl/lib"), dirs(c.driverSearchPath()));
        assertTrue(c.systemLoader());
    }

    @Test
    void explicitArgumentBeatsPropertyAndEnvironmentBeatsNothing() {
        Map<String, String> env = Map.of(CudaConfig.HOME_ENV, "/env");
        CudaConfig explicit = CudaConfig.resolve("/arg", Map.of(CudaConfig.HOME_PROPERTY, "/prop")::get, env::get);
        assertEquals("/arg", explicit.driverSearchPath().get(0).dir());
        CudaConfig fromEnv = CudaConfig.resolve(null, k -> null, env::get);
        assertEquals(CudaConfig.HOME_ENV + "=/env", dirs(fromEnv.driverSearchPath()).get(0));
        CudaConfig none = CudaConfig.resolve(null, k -> null, k -> null);
        assertEquals("CUDA_HOME=null", dirs(none.driverSearchPath()).get(0), "unset sources are kept so a probe can name them");
    }

    @Test
    void cublasLtExplicitPathComesFirstAndTheTorchWheelAfterTheHomes(@TempDir Path venv) throws Exception {
        Path site = Files.createDirectories(venv.resolve("lib/python3.11/site-packages"));
        Map<String, String> props = Map.of(CudaConfig.CUBLASLT_PROPERTY, "/x/libcublasLt.so.13");
        Map<String, String> env = Map.of("CUDA_HOME", "/ch", "VIRTUAL_ENV", venv.toString());
        List<String> lt = dirs(CudaConfig.resolve(null, props::get, env::get).cublasLtSearchPath());
        assertEquals(CudaConfig.CUBLASLT_PROPERTY + "=/x/libcublasLt.so.13", lt.get(0));
        assertEquals("CUDA_HOME=/ch", lt.get(1));
        int home = lt.indexOf("/usr/local/cuda=/usr/local/cuda");
        int wheel = lt.indexOf("nvidia-cublas wheel=" + site.resolve("nvidia/cublas/lib"));
        assertTrue(home >= 0 && wheel > home, "wheel after the homes: " + lt);
        assertFalse(lt.contains("/usr/lib64=/usr/lib64"), "driver-only directories are not searched for cuBLASLt");
    }

    @Test
    void moeGemmSettingIsPropertyThenEnvironmentThenAuto() {
        Map<String, String> env = Map.of(CudaConfig.MOE_GEMM_ENV, "kernel");
        assertEquals(CudaConfig.MoeGemm.CUBLASLT, CudaConfig.resolve(null,
                Map.of(CudaConfig.MOE_GEMM_PROPERTY, "cuBLASLt")::get, env::get).moeGemm());
        assertEquals(CudaConfig.MoeGemm.KERNEL, CudaConfig.resolve(null, k -> null, env::get).moeGemm());
        assertEquals(CudaConfig.MoeGemm.AUTO, CudaConfig.resolve(null, k -> null, k -> null).moeGemm());
        assertEquals(CudaConfig.MoeGemm.AUTO, new CudaConfig(List.of(), List.of(), false).moeGemm());
        assertEquals(CudaConfig.MoeGemm.KERNEL, CudaConfig.only(List.of("/x")).withMoeGemm(CudaConfig.MoeGemm.KERNEL).moeGemm());
    }

    @Test
    void anUnknownMoeGemmSettingNamesItselfAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaConfig.resolve(null,
                Map.of(CudaConfig.MOE_GEMM_PROPERTY, "cutlass")::get, k -> null));
        assertEquals(CudaConfig.MOE_GEMM_PROPERTY + " = 'cutlass' is not one of auto, cublaslt, kernel", e.getMessage());
    }
}
