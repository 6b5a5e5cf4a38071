package dev.dayzero.hal;

import dev.dayzero.hal.op.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * What every backend's prepared operator shares, for backends to extend: its device and spec, the launches its
 * binds made ({@link #launches}; each {@link AbstractLaunch} removes itself when closed, the rest close with the
 * operator), what it holds besides them ({@link #owned}), its notes and the closed flag.
 *
 * <p>A {@code bind} starts with {@link #checkBind} and takes its operands through {@link #buffer} (or
 * {@link #buffers}); {@link #close} closes the launches, then {@link #owned}, then what {@link #release} frees,
 * throws the failures as one {@link HalException} naming the operator, and lets the device {@link #forget} it —
 * once, however often called. A backend supplies the hooks: {@link #checkBuffer} (required), {@link #checkDevice},
 * {@link #beforeClose}, {@link #release} and {@link #forget} (optional: an {@link AbstractDevice} forgets the
 * operator by default).
 *
 * @param <D> the backend's device
 * @param <S> the spec the operator was prepared for
 * @param <B> the backend's buffer
 */
public abstract class AbstractPreparedOp<D extends Device, S extends OpSpec, B extends DeviceBuffer>
        implements PreparedOp {
    /** The device that prepared the operator. */
    protected final D device;
    /** The spec the operator was prepared for. */
    protected final S spec;
    /** The launches bound and not yet closed; closed first, newest first, by {@link #close}. */
    protected final OwnedResources launches = new OwnedResources();
    /** What the operator holds besides its launches (descriptors, tables, workspaces); closed after them. */
    protected final OwnedResources owned = new OwnedResources();
    private final String vendor;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param vendor the backend's vendor, for the exception {@link #close} throws
     * @param device the device preparing the operator
     * @param spec   the spec it is prepared for
     */
    protected AbstractPreparedOp(String vendor, D device, S spec) {
        this.vendor = vendor;
        this.device = device;
        this.spec = spec;
    }

    @Override
    public final S spec() {
        return spec;
    }

    /** What {@link #note} recorded, in order; a backend that computes its notes overrides this. */
    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Records a note for {@link #notes()}. */
    protected final void note(String text) {
        notes.add(text);
    }

    /**
     * Checks, in this order, that the operator is open, that the device is ({@link #checkDevice}), and that
     * {@code operands} fit the spec ({@link PreparedOp#checkOperands}).
     *
     * @throws IllegalStateException    once closed ({@code "prepared <spec> is closed"}), or from the device
     * @throws IllegalArgumentException naming the operand that is missing or too small
     */
    protected final void checkBind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared " + spec.describe() + " is closed");
        }
        checkDevice();
        PreparedOp.checkOperands(spec, operands);
    }

    /** Operand {@code i} as a buffer of this operator's device ({@link #checkBuffer}), named when it is not one. */
    protected final B buffer(List<DeviceBuffer> operands, int i) {
        return checkBuffer(operands.get(i), "operand " + i + " '" + spec.operands().get(i).name() + "'");
    }

    /** Every operand as a buffer of this operator's device, in order ({@link #buffer}). */
    protected final B[] buffers(List<DeviceBuffer> operands, IntFunction<B[]> newArray) {
        B[] b = newArray.apply(operands.size());
        for (int i = 0; i < b.length; i++) {
            b[i] = buffer(operands, i);
        }
        return b;
    }

    /**
     * Registers {@code launch} among the {@link #launches} and has {@code build} fill it in; when building fails
     * the launch is closed (its own failure added as suppressed) and the failure rethrown.
     *
     * @return {@code launch}
     */
    protected final <L extends Launch> L addLaunch(L launch, Consumer<? super L> build) {
        launches.add(launch);
        try {
            build.accept(launch);
        } catch (RuntimeException | Error e) {
            try {
                launch.close();
            } catch (RuntimeException | Error c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return launch;
    }

    /**
     * Hook: {@code buffer} as a buffer of this operator's device, checked open where the backend can tell.
     *
     * @param what the operand, for the message ({@code "operand 1 'q'"})
     * @throws IllegalArgumentException starting with {@code what} when it is another device's or kind's buffer
     */
    protected abstract B checkBuffer(DeviceBuffer buffer, String what);

    /** Hook: checks at bind that the device is open (and makes it current where the backend needs that). */
    protected void checkDevice() {
    }

    /**
     * Hook: runs first in {@link #close}, e.g. to make the device's context current; a failure is reported with the
     * others and the rest still closes.
     */
    protected void beforeClose() {
    }

    /**
     * Hook: frees, in order, what the operator holds outside {@link #owned}; called once, from {@link #close},
     * after the launches and {@link #owned} are closed. Collects rather than stops on a failure.
     *
     * @return the failures, in the order met; nothing to free by default
     */
    protected List<Throwable> release() {
        return List.of();
    }

    /**
     * Hook: the device forgets this operator (it no longer closes it); called once, last in {@link #close}. By
     * default an {@link AbstractDevice} {@link AbstractDevice#forget forgets} it; other devices override this.
     */
    protected void forget() {
        if (device instanceof AbstractDevice d) {
            d.forget(this);
        }
    }

    /**
     * Closes the launches, then {@link #owned}, then what {@link #release} frees, and throws their failures as
     * one {@link HalException} ({@code "closing prepared <spec>: ..."}); the device forgets the operator even
     * then. Once; later calls do nothing.
     */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            OwnedResources.closeInOrder(vendor, "prepared " + spec.describe(), this::beforeClose, () -> {
                List<Throwable> failures = new ArrayList<>(launches.closeAll());
                failures.addAll(owned.closeAll());
                failures.addAll(release());
                return failures;
            }, this::forget);
        }
    }

    String vendor() {
        return vendor;
    }
}
