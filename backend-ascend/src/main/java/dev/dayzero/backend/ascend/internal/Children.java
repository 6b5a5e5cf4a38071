package dev.dayzero.backend.ascend.internal;

import dev.dayzero.backend.ascend.jna.AclErrors;
import dev.dayzero.hal.HalException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The open resources one owner holds. A child removes itself when closed; {@link #closeAll} closes the
 * rest, newest first, reporting (not stopping on) a child's failure.
 */
final class Children {
    private final Set<AutoCloseable> open = Collections.synchronizedSet(new LinkedHashSet<>());

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

    /** Closes every child, newest first; failures are collected and returned. */
    List<Throwable> closeAll() {
        List<AutoCloseable> snapshot;
        synchronized (open) {
            snapshot = new ArrayList<>(open);
        }
        Collections.reverse(snapshot);
        List<Throwable> failures = new ArrayList<>();
        for (AutoCloseable child : snapshot) {
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
        HalException e = new HalException(AclErrors.VENDOR, "closing " + what + ": " + failures.size()
                + " owned resource(s) failed to close; first: " + failures.get(0));
        failures.forEach(e::addSuppressed);
        throw e;
    }
}
