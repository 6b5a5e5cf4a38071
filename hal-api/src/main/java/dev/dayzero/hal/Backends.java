package dev.dayzero.hal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The backends on the class path, found by {@link ServiceLoader}. Listing them loads no native code;
 * backends are chosen by id and none is chosen silently over another.
 */
public final class Backends {
    private final List<BackendProvider> providers;

    private Backends(List<BackendProvider> providers) {
        this.providers = List.copyOf(providers);
    }

    /** The providers visible to the thread's context class loader, sorted by id. */
    public static Backends discover() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return discover(loader != null ? loader : Backends.class.getClassLoader());
    }

    /** The providers visible to {@code loader}, sorted by id. */
    public static Backends discover(ClassLoader loader) {
        List<BackendProvider> found = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, loader)) {
            if (found.stream().anyMatch(q -> q.id().equals(p.id()))) {
                throw new HalException(p.vendor(), "two backends on the class path share the id '" + p.id() + "'");
            }
            found.add(p);
        }
        found.sort(Comparator.comparing(BackendProvider::id));
        return new Backends(found);
    }

    /** Wraps an explicit list, for tests and embedding. */
    public static Backends of(List<BackendProvider> providers) {
        return new Backends(providers);
    }

    public List<BackendProvider> all() {
        return providers;
    }

    public List<String> ids() {
        return providers.stream().map(BackendProvider::id).collect(Collectors.toList());
    }

    public Optional<BackendProvider> find(String id) {
        return providers.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /**
     * The provider with that id.
     *
     * @throws IllegalArgumentException naming the ids that do exist
     */
    public BackendProvider require(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown backend '" + id + "'; backends on the class path: " + String.join(", ", ids())));
    }

    /** Opens device {@code ordinal} of backend {@code id}. */
    public Device open(String id, int ordinal) {
        return require(id).open(ordinal);
    }
}
