package dev.dayzero.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dayzero backends}: every discovered backend, whether it can run here and why, and its devices. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List every discovered backend: available or not and why, and each device.")
final class BackendsCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Probe> probes = new ArrayList<>();
        List<BackendProvider> providers = dev.dayzero.bench.plugins.Plugins.backends().all();
        for (BackendProvider p : providers) {
            probes.add(p.probe());
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode arr = mapper.createArrayNode();
            for (int i = 0; i < providers.size(); i++) {
                ObjectNode n = arr.addObject();
                Probe probe = probes.get(i);
                n.put("id", probe.backendId());
                n.put("vendor", providers.get(i).vendor());
                n.put("available", probe.available());
                n.put("reason", probe.reason());
                n.set("versions", mapper.valueToTree(probe.versions()));
                n.set("devices", mapper.valueToTree(probe.devices()));
            }
            out.println(mapper.writeValueAsString(arr));
            return ExitCode.OK;
        }
        if (providers.isEmpty()) {
            out.println("no backends on the class path");
            return ExitCode.OK;
        }
        var jars = dev.dayzero.bench.plugins.Plugins.jars();
        for (Probe probe : probes) {
            out.printf("%-10s %s%n", probe.backendId(), probe.available() ? "available" : "unavailable: " + probe.reason());
            for (DeviceInfo d : probe.devices()) {
                out.printf("  [%d] %s (%s), %s, %d compute units, driver %s, runtime %s%s%n", d.ordinal(), d.name(),
                        d.architecture(), Format.bytes(d.memoryBytes()), d.computeUnits(), orNone(d.driverVersion()),
                        orNone(d.runtimeVersion()), d.emulated() ? " [EMULATED]" : "");
            }
        }
        for (var j : jars) {
            out.println("plugin " + j.label() + (j.error() == null ? ": " + String.join(", ", j.backends())
                    : ": broken"));
        }
        return ExitCode.OK;
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
