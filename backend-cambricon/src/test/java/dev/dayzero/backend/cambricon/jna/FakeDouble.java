package dev.dayzero.backend.cambricon.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.file.Files;
import java.nio.file.Path;

/** The test double's own exports (src/test/native/cnrt.c): live counters, call log, error injection, capability. */
public interface FakeDouble extends Library {
    /** Where the Maven build puts the double. */
    Path DIR = Path.of("target", "native").toAbsolutePath();

    /** Whether gcc built all three libraries. */
    static boolean built() {
        return Files.isRegularFile(DIR.resolve(NativeLibraries.CNRT)) && Files.isRegularFile(DIR.resolve(NativeLibraries.CNNL))
                && Files.isRegularFile(DIR.resolve(NativeLibraries.CNNL_EXTRA));
    }

    /** The skip message when it was not built. */
    String NOT_BUILT = "gcc not available: the Cambricon test double was not built";

    /** Binds the exports of the double's libcnrt.so (the same loaded library the backend uses). */
    static FakeDouble load() {
        return Native.load(DIR.resolve(NativeLibraries.CNRT).toString(), FakeDouble.class);
    }

    int fake_live(String kind);

    long fake_live_bytes();

    int fake_calls(String fn);

    long fake_noted(String key);

    void fake_fail_next(String fn, int code);

    void fake_set_capability(int major, int minor);

    void fake_reset();
}
