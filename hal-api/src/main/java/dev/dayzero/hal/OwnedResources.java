package dev.dayzero.hal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The open resources one owner holds (a device's buffers and streams, a prepared operator's descriptors),
 * for backends to share. A child may remove itself when it closes; {@link #closeAll()} closes the rest,
 * newest first, collecting rather than stopping on a child's failure, and {@link #report} turns the
 * failures into one {@link HalException}. Thread-safe.
 */
public final class OwnedResources {
    private final Set<AutoCloseable> open = Collections.synchronizedSet(new LinkedHashSet<>());

    /** Registers {@code child} and returns it. */
    public <T extends AutoCloseable> T add(T child) {
        open.add(child);
        return child;
    }

    /** Forgets {@code child} (it closed itself). */
    public void remove(AutoCloseable child) {
        open.remove(child);
    }

    /** How many are open. */
    public int size() {
        return open.size();
    }

    /** Closes every child, newest first, and returns the failures in the order met. */
    public List<Throwable> closeAll() {
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

    /**
     * The close of {@link AbstractPreparedOp} and {@link AbstractLaunch}: runs {@code first} (its failure
     * collected), then {@code rest}, and {@link #report}s their failures; {@code last} runs even then.
     */
    static void closeInOrder(String vendor, String what, Runnable first, Supplier<List<Throwable>> rest,
                             Runnable last) {
        try {
            List<Throwable> failures = new ArrayList<>();
            try {
                first.run();
            } catch (RuntimeException | Error e) {
                failures.add(e);
            }
            failures.addAll(rest.get());
            report(vendor, what, failures);
        } finally {
            last.run();
        }
    }

    /** Throws one exception carrying all {@code failures} as suppressed, if there are any. */
    public static void report(String vendor, String what, List<Throwable> failures) {
        if (failures.isEmpty()) {
            return;
        }
        HalException e = new HalException(vendor, "closing " + what + ": " + failures.size()
                + " owned resource(s) failed to close; first: " + failures.get(0));
        failures.forEach(e::addSuppressed);
        throw e;
    }
}
