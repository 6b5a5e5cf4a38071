package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.HalException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open resources one owner holds. A child removes itself when closed; {@link #closeAll} closes the
 * rest, reporting (not stopping on) a child's failure.
 */
final class Children {
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    <T extends AutoCloseable> T add(T child) {
        open.add(child);
        return child;
    }

    void remove(AutoCloseable child) {
        open.remove(child);
    }

    int size() {
        return open.size();
    }

    /** Closes every child; failures are collected and returned, in the order met. */
    List<Throwable> closeAll() {
        List<Throwable> failures = new ArrayList<>();
        for (AutoCloseable child : List.copyOf(open)) {
            try {
                child.close();
            } catch (Exception | Error e) {
                failures.add(e);
            }
            open.remove(child);
        }
        return failures;
    }

    /** Throws one exception carrying all {@code failures} as suppressed, if there are any. */
    static void report(String what, List<Throwable> failures) {
        if (failures.isEmpty()) {
            return;
        }
        HalException e = new HalException(CpuDevice.VENDOR, "closing " + what + ": " + failures.size()
                + " owned resource(s) failed to close; first: " + failures.get(0));
        failures.forEach(e::addSuppressed);
        throw e;
    }
}
