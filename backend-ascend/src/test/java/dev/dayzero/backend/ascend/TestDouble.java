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

    private TestDouble() {
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
