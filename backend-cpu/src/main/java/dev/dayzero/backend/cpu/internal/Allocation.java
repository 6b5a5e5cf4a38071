package dev.dayzero.backend.cpu.internal;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes a thread has allocated, from HotSpot's per-thread counter ({@code com.sun.management.ThreadMXBean});
 * 0 on a JVM without it, or with it disabled. Reading it costs tens of nanoseconds.
 */
final class Allocation {
    private static final com.sun.management.ThreadMXBean BEAN = bean();

    private Allocation() {
    }

    /** Bytes the current thread has allocated since it started, or 0 where not counted. */
    static long currentThread() {
        return BEAN == null ? 0 : Math.max(0, BEAN.getCurrentThreadAllocatedBytes());
    }

    private static com.sun.management.ThreadMXBean bean() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                    && b.isThreadAllocatedMemorySupported() && b.isThreadAllocatedMemoryEnabled()) {
                return b;
            }
        } catch (RuntimeException | LinkageError e) {
            // no java.management or no HotSpot extension: not counted
        }
        return null;
    }
}
