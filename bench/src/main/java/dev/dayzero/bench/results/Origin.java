package dev.dayzero.bench.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.dayzero.hal.DeviceInfo;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a results file comes from, written when a run is made to be sent to us ({@code --submitted-by},
 * {@code --redact-host}): who ran it, on which host, with which drivers and libraries, with which Dayzero.
 * Optional in {@code results.json} (field {@code origin}, absent otherwise): a file without it is a run of our own.
 *
 * @param submittedBy  who ran it and sends it ({@code --submitted-by}); null when not given
 * @param host         the host's name, or its {@link HostInfo#redact redaction} with {@code --redact-host}
 * @param hostRedacted whether {@code host} (and {@code host.hostname}) is a redaction
 * @param toolVersion  the Dayzero version that ran
 * @param gitCommit    the commit it was built from
 * @param versions     driver, runtime and library versions as the backends report them, sorted by key:
 *                     {@code <backend>.<key>} from the probe ({@code cuda.driver}, {@code ascend.acl} — CANN's
 *                     runtime —, {@code cambricon.cnrt}, {@code cambricon.cnnl}, ...) and, for the device the run
 *                     used, {@code <backend>:<ordinal>.driverVersion}, {@code .runtimeVersion} and every device
 *                     property whose name contains "version"
 */
public record Origin(String submittedBy, String host, boolean hostRedacted, String toolVersion, String gitCommit,
                     Map<String, String> versions) {

    /** A column label's origin part for a run of our own. */
    public static final String MEASURED_HERE = "measured here";
    /** A column label's origin part for a submitted run, before the submitter's name. */
    public static final String SUBMITTED_BY = "vendor-submitted by ";

    public Origin {
        host = host == null ? "" : host;
        toolVersion = toolVersion == null ? "" : toolVersion;
        gitCommit = gitCommit == null ? "" : gitCommit;
        versions = Collections.unmodifiableSortedMap(new TreeMap<>(versions == null ? Map.of() : versions));
    }

    /** The origin of a run on {@code host} (already redacted when asked) with these backends. */
    public static Origin of(String submittedBy, HostInfo host, boolean hostRedacted, RunInfo run,
                            List<BackendEntry> backends) {
        return new Origin(submittedBy, host == null ? "" : host.hostname(), hostRedacted,
                run == null ? "" : run.toolVersion(), run == null ? "" : run.gitCommit(), versionsOf(backends));
    }

    /** The versions every backend entry reports, keyed as {@link #versions()} says. */
    static Map<String, String> versionsOf(List<BackendEntry> backends) {
        Map<String, String> v = new TreeMap<>();
        for (BackendEntry b : backends) {
            b.versions().forEach((k, value) -> v.put(b.id() + "." + k, value));
            java.util.Optional<DeviceInfo> device = b.device();
            if (device.isEmpty()) {
                continue;
            }
            DeviceInfo d = device.get();
            String prefix = b.id() + ":" + d.ordinal() + ".";
            if (!d.driverVersion().isEmpty()) {
                v.put(prefix + "driverVersion", d.driverVersion());
            }
            if (!d.runtimeVersion().isEmpty()) {
                v.put(prefix + "runtimeVersion", d.runtimeVersion());
            }
            d.properties().forEach((k, value) -> {
                if (k.toLowerCase(Locale.ROOT).contains("version")) {
                    v.put(prefix + k, value);
                }
            });
        }
        return v;
    }

    /** Whether someone sent it: {@code submittedBy} is set. */
    @JsonIgnore
    public boolean submitted() {
        return submittedBy != null && !submittedBy.isBlank();
    }

    /** "vendor-submitted by NAME", or "measured here" when no one is named. */
    @JsonIgnore
    public String label() {
        return submitted() ? SUBMITTED_BY + submittedBy : MEASURED_HERE;
    }

    /** The label of a results file's origin, which may be absent (a run of our own). */
    public static String labelOf(Origin origin) {
        return origin == null ? MEASURED_HERE : origin.label();
    }
}
