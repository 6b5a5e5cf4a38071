package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only the JVMs that run CPU cases get {@code --add-modules jdk.incubator.vector}. */
class WorkerSettingsTest {
    private static final List<String> MODULE = List.of("--add-modules", WorkerSettings.VECTOR_MODULE);

    @Test
    void onlyTheCpuWorkerGetsTheVectorModule() {
        assertTrue(WorkerSettings.vectorModuleInRuntime(), "this JDK has jdk.incubator.vector");
        WorkerSettings s = WorkerSettings.inherit("512m");
        assertFalse(s.jvmOptions().contains(WorkerSettings.VECTOR_MODULE), "not in every child: " + s.jvmOptions());
        List<String> cpu = s.command("cpu", 0);
        int at = Collections.indexOfSubList(cpu, MODULE);
        assertTrue(at > 0, "cpu worker: " + cpu);
        assertTrue(at < cpu.indexOf("-cp"), "a JVM option, before the class path: " + cpu);
        assertEquals(WorkerMain.class.getName(), cpu.get(cpu.size() - 3));
        assertEquals(List.of("cpu", "0"), cpu.subList(cpu.size() - 2, cpu.size()));
        for (String backend : List.of("cuda", "ascend", "cambricon", "fault")) {
            List<String> cmd = s.command(backend, 1);
            assertFalse(cmd.contains(WorkerSettings.VECTOR_MODULE), backend + " worker: " + cmd);
            assertFalse(cmd.contains("--add-modules"), backend + " worker: " + cmd);
        }
        List<String> probe = s.javaCommand("hs_err_probe_pid%p.log", "dev.dayzero.bench.cli.Main", "backends", "--json");
        assertFalse(probe.contains(WorkerSettings.VECTOR_MODULE), "the probe JVM runs no case: " + probe);
    }

    @Test
    void theModuleIsNotAddedTwice() {
        WorkerSettings s = WorkerSettings.inherit("512m");
        List<String> opts = new ArrayList<>(s.jvmOptions());
        opts.add("--add-modules=" + WorkerSettings.VECTOR_MODULE);
        WorkerSettings explicit = new WorkerSettings(s.javaExecutable(), s.classPath(), opts, s.startupTimeout(),
                s.stderrTailLines(), null);
        assertEquals(List.of(), explicit.moduleOptions("cpu"));
        assertEquals(1, explicit.command("cpu", 0).stream().filter(a -> a.contains(WorkerSettings.VECTOR_MODULE)).count());
        assertEquals(MODULE, s.moduleOptions("cpu"));
        assertEquals(List.of(), s.moduleOptions("cuda"));
    }
}
