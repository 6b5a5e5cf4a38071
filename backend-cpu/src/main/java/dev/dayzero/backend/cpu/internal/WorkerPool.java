package dev.dayzero.backend.cpu.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device's worker threads: {@code threads - 1} pool threads plus the caller. {@link #forEach} hands
 * items out dynamically; each participant has a worker id in {@code [0, threads)} that indexes its
 * scratch memory.
 */
public final class WorkerPool implements AutoCloseable {
    /** The body of a parallel loop: process {@code item} with the scratch of {@code worker}. */
    @FunctionalInterface
    public interface Body {
        void run(int worker, int item);
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ExecutorService executor;
    /** Bytes of Java heap the pool threads allocated in their loop bodies (see {@link #allocatedBytes}). */
    private final AtomicLong allocated = new AtomicLong();

    WorkerPool(int threads) {
        this.threads = threads;
        if (threads > 1) {
            int poolId = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "dayzero-cpu-" + poolId + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.executor = Executors.newFixedThreadPool(threads - 1, factory);
        } else {
            this.executor = null;
        }
    }

    /** Participants of a parallel loop, and so the number of scratch slots a kernel needs. */
    public int threads() {
        return threads;
    }

    /** Runs {@code body} for every item in {@code [0, items)} on all workers; returns when all are done. */
    public void forEach(int items, Body body) {
        int workers = Math.min(threads, items);
        if (workers <= 1) {
            for (int i = 0; i < items; i++) {
                body.run(0, i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int worker = w;
            futures.add(executor.submit(() -> {
                long before = Allocation.currentThread();
                try {
                    drain(worker, items, next, body);
                } finally {
                    allocated.addAndGet(Allocation.currentThread() - before);
                }
            }));
        }
        Throwable failure = null;
        try {
            drain(0, items, next, body);
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(items); // stop handing out work
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                } else {
                    failure.addSuppressed(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for cpu workers", e);
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Heap bytes the pool threads have allocated in loop bodies so far (0 where the JVM cannot count them); the
     * caller's own share is not in it. A kernel whose JIT-compiled code boxes vectors allocates megabytes a launch.
     */
    public long allocatedBytes() {
        return allocated.get();
    }

    private static void drain(int worker, int items, AtomicInteger next, Body body) {
        for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
            body.run(worker, i);
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
