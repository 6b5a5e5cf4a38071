package dev.dayzero.bench.cli;

import dev.dayzero.bench.results.ToolInfo;
import picocli.CommandLine;

/** {@code dayzero --version}: the tool version and git commit, as results files record them. */
public final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"dayzero " + ToolInfo.version() + " (commit " + ToolInfo.gitCommit() + ")",
                "Java " + Runtime.version() + " " + System.getProperty("java.vm.name")};
    }
}
