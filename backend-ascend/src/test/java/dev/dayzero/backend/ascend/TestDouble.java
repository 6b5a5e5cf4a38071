package dev.dayzero.backend.ascend;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.PointerByReference;
import dev.dayzero.hal.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the ABI test double was built (target/native, by the Maven build's gcc step) and its control exports.
 * Tests that need it call {@link #assumeBuilt()}, which skips them with a reason where gcc was not available.
 */
public final class TestDouble {
    /** Directory of the double's libascendcl.so / libnnopbase.so / libopapi.so. */
    public static final Path DIR = Path.of(System.getProperty("dayzero.ascend.testDoubleDir", "target/native"))
            .toAbsolutePath();
    /** Whether the double exists. */
    public static final boolean BUILT = Files.isRegularFile(DIR.resolve("libascendcl.so"))
            && Files.isRegularFile(DIR.resolve("libnnopbase.so")) && Files.isRegularFile(DIR.resolve("libopapi.so"));

    /** A custom package with no version evidence beside it (23-argument SFA inside). */
    public static final Path UNKNOWN_OPP = DIR.resolve("opp");
    /** vllm-ascend 0.20.2's package (17-argument SFA), version in a dist-info beside the vllm_ascend package. */
    public static final Path V020_OPP = DIR.resolve("vllm-ascend-0.20/site-packages/vllm_ascend/_cann_ops_custom");
    /** vllm-ascend 0.21.0's package (23-argument SFA), version in vllm_ascend/_version.py. */
    public static final Path V021_OPP = DIR.resolve("vllm-ascend-0.21/site-packages/vllm_ascend/_cann_ops_custom");
    /** A runtime directory whose split libopapi_transformer.so carries CANN's built-in SFA and LI. */
    public static final Path CANN_BUILTIN = DIR.resolve("cann-builtin");

    private TestDouble() {
    }

    /** The double with the custom package at {@code opp} ({@code ASCEND_CUSTOM_OPP_PATH}); skips where not built. */
    public static AscendConfig withPackage(Path opp) {
        assumeBuilt();
        Assumptions.assumeTrue(Files.isDirectory(opp.resolve("vendors")), "gcc not available: " + opp + " was not built");
        return config().withCustomOppPath(opp.toString());
    }

    /** Skips the calling test where the double is missing. */
    public static void assumeBuilt() {
        Assumptions.assumeTrue(BUILT, "gcc not available: the Ascend test double was not built (" + DIR + ")");
    }

    /** The configuration that finds only the double. */
    public static AscendConfig config() {
        return AscendConfig.only(DIR.toString());
    }

    /** Opens device 0 on the double. */
    public static Device open() {
        assumeBuilt();
        return new AscendBackendProvider(config()).open(0);
    }

    /** Control and query exports of the fake libascendcl.so. */
    public interface Runtime extends Library {
        long fake_live(String kind);

        long fake_live_resources();

        long fake_call_count(String fn);

        void fake_fail_next(String fn, int code);

        long fake_recorded_int(String key);

        String fake_recorded_str(String key);

        /** The SoC name the double reports to devices opened from now on (null restores Ascend910B3). */
        void fake_set_soc(String soc);
    }

    /** Query exports of the fake libnnopbase.so. */
    public interface Nnop extends Library {
        long fake_last_tensor(long[] dims, long[] strides, long[] meta, PointerByReference data);
    }

    /** The runtime double's controls (same loaded library as the backend's). */
    public static Runtime runtime() {
        assumeBuilt();
        return Native.load(DIR.resolve("libascendcl.so").toString(), Runtime.class);
    }

    /** The nnopbase double's queries. */
    public static Nnop nnop() {
        assumeBuilt();
        return Native.load(DIR.resolve("libnnopbase.so").toString(), Nnop.class);
    }

    /** Recorded integer attribute, failing clearly when absent. */
    public static long recorded(String key) {
        long v = runtime().fake_recorded_int(key);
        if (v == Long.MIN_VALUE) {
            throw new AssertionError("the double recorded no '" + key + "'");
        }
        return v;
    }
}
