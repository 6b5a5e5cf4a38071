package dev.dayzero.bench.chips;

import dev.dayzero.hal.DeviceInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The chip specs table: the entries shipped in {@code chips.json} beside this class, plus any
 * {@code --chips FILE} overrides. Immutable.
 *
 * <h2>Matching</h2>
 * {@link #match} tries every entry's {@link ChipSpec.Match rules} against the device's name and architecture
 * (case-insensitive) and, where an entry lists backends, the backend id. The most specific entry wins: the
 * one whose rule matched the longest text ({@code H100 PCIe} beats {@code H100}); on a tie, the entry added
 * later (an override beats a default). For backend {@value CpuEstimate#BACKEND} the entry is synthesized
 * by {@link CpuEstimate}, with the figures of a matching table entry laid over it. A device with no entry
 * gets no percent of peak ({@link Roofline#noEntry}).
 */
public final class ChipTable {
    /** The resource holding the default table. */
    public static final String RESOURCE = "/dev/dayzero/bench/chips/chips.json";

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private final List<ChipSpec> entries;
    private final Path cpuinfo;

    private ChipTable(List<ChipSpec> entries, Path cpuinfo) {
        this.entries = List.copyOf(entries);
        this.cpuinfo = cpuinfo;
    }

    /** The table shipped with Dayzero. */
    public static ChipTable defaults() {
        try (InputStream in = ChipTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
            }
            return new ChipTable(ChipTableJson.read(in, "resource " + RESOURCE), CPUINFO);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }

    /** A table of exactly these entries (ids must be unique). */
    public static ChipTable of(List<ChipSpec> entries) {
        Map<String, ChipSpec> byId = new LinkedHashMap<>();
        for (ChipSpec e : entries) {
            if (byId.put(e.id(), e) != null) {
                throw new IllegalArgumentException("chip id '" + e.id() + "' appears twice");
            }
        }
        return new ChipTable(entries, CPUINFO);
    }

    /**
     * This table with the entries of a chips file ({@code --chips FILE}, same format as {@code chips.json}):
     * an entry whose id is already in the table replaces it, a new id is added. The file's entries rank after
     * the existing ones, so they win ties in {@link #match}.
     *
     * @throws IllegalArgumentException naming the file and the field when the file is unreadable or malformed
     */
    public ChipTable withOverrides(Path file) {
        List<ChipSpec> added;
        try (InputStream in = Files.newInputStream(file)) {
            added = ChipTableJson.read(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read chips file (" + e + ")", e);
        }
        return withEntries(added);
    }

    /** This table with {@code added} entries, replacing those with the same id (see {@link #withOverrides}). */
    public ChipTable withEntries(List<ChipSpec> added) {
        Map<String, ChipSpec> replacing = new HashMap<>();
        added.forEach(e -> replacing.put(e.id(), e));
        List<ChipSpec> out = new ArrayList<>();
        for (ChipSpec e : entries) {
            if (!replacing.containsKey(e.id())) {
                out.add(e);
            }
        }
        out.addAll(added);
        return new ChipTable(out, cpuinfo);
    }

    /** This table reading the CPU clock from {@code cpuinfo} instead of {@code /proc/cpuinfo} (tests). */
    ChipTable withCpuinfo(Path cpuinfo) {
        return new ChipTable(entries, cpuinfo);
    }

    /** Every entry, defaults first, then overrides in file order. */
    public List<ChipSpec> entries() {
        return entries;
    }

    /** The entry with this id. */
    public Optional<ChipSpec> get(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** {@link #match(String, String, String, Map)} for a device's info ({@code computeUnits} counts as cores for the CPU). */
    public Optional<ChipSpec> match(DeviceInfo device) {
        Map<String, String> props = new HashMap<>(device.properties());
        props.putIfAbsent("computeUnits", String.valueOf(device.computeUnits()));
        return match(device.backendId(), device.vendor(), device.name(), device.architecture(), props);
    }

    /**
     * The chip-table entry for a device, by the name and architecture its backend reports; empty when no
     * entry matches. For the CPU backend an estimated entry is always returned.
     *
     * @param backendId    the backend's id ({@code cpu}, {@code cuda}, ...)
     * @param deviceName   {@link DeviceInfo#name()}
     * @param architecture {@link DeviceInfo#architecture()}
     * @param properties   {@link DeviceInfo#properties()} (read for the CPU estimate)
     */
    public Optional<ChipSpec> match(String backendId, String deviceName, String architecture,
                                    Map<String, String> properties) {
        return match(backendId, "", deviceName, architecture, properties);
    }

    private Optional<ChipSpec> match(String backendId, String vendor, String deviceName, String architecture,
                                     Map<String, String> properties) {
        ChipSpec best = null;
        int bestScore = -1;
        for (ChipSpec e : entries) {
            OptionalInt s = e.match().score(backendId, deviceName, architecture);
            if (s.isPresent() && s.getAsInt() >= bestScore) { // >=: a later entry wins a tie
                best = e;
                bestScore = s.getAsInt();
            }
        }
        if (CpuEstimate.BACKEND.equalsIgnoreCase(backendId)) {
            ChipSpec estimate = CpuEstimate.estimate(vendor, deviceName, architecture, properties, cpuinfo);
            return Optional.of(best == null ? estimate : CpuEstimate.overlay(estimate, best));
        }
        return Optional.ofNullable(best);
    }
}
