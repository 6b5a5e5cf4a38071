package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real single-node Slurm (Debian's slurm-wlm and munge, which .ci/run installs): starts munged, slurmctld and
 * slurmd on this machine with a minimal configuration in a temporary directory, submits the array script
 * {@code dayzero fleet slurm} writes (CPU backend, a small config, one shard at a time with {@code %1}), waits,
 * folds the shards and checks their cases and statuses against one run of the whole plan. Needs root (as CI
 * runs) and the binaries; skips elsewhere with the reason, and fails where the daemons do not start.
 */
class SlurmFleetTest {
    private static final List<String> BINARIES = List.of("munged", "slurmctld", "slurmd", "sbatch", "squeue",
            "scontrol", "sinfo");

    @TempDir
    Path tmp;

    private Map<String, String> env;

    @Test
    void anArrayJobOnARealSlurmFoldsIntoOneRun() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "Slurm: Linux only");
        List<String> absent = BINARIES.stream().filter(b -> which(b) == null).toList();
        Assumptions.assumeTrue(absent.isEmpty(), "Slurm is not installed (" + String.join(", ", absent)
                + " missing: apt-get install slurm-wlm munge; .ci/run does)");
        Assumptions.assumeTrue("0".equals(run(List.of("id", "-u"), 10).strip()),
                "the Slurm test starts munged, slurmctld and slurmd, which needs root (CI runs as root)");

        Path dir = tmp.toRealPath();
        Path key = Files.createDirectories(dir.resolve("munge-key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rwx------"));
        byte[] secret = new byte[1024];
        new SecureRandom().nextBytes(secret);
        Files.write(key.resolve("munge.key"), secret);
        Files.setPosixFilePermissions(key.resolve("munge.key"), PosixFilePermissions.fromString("rw-------"));
        Path sock = Files.createDirectories(dir.resolve("munge"));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("spool"));
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().split("\\.")[0];
        Path conf = dir.resolve("slurm.conf");
        Files.writeString(conf, String.join("\n",
                "ClusterName=dayzero",
                "SlurmctldHost=" + host + "(127.0.0.1)",
                "SlurmUser=root",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                "CredType=cred/munge",
                "AuthInfo=socket=" + sock.resolve("munge.sock"),
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "StateSaveLocation=" + dir.resolve("state"),
                "SlurmdSpoolDir=" + dir.resolve("spool"),
                "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + logs.resolve("slurmctld.log"),
                "SlurmdLogFile=" + logs.resolve("slurmd.log"),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "JobAcctGatherType=jobacct_gather/none",
                "AccountingStorageType=accounting_storage/none",
                "JobCompType=jobcomp/none",
                "SchedulerType=sched/builtin",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "MpiDefault=none",
                "ReturnToService=2",
                "MinJobAge=3600",
                "NodeName=" + host + " NodeAddr=127.0.0.1 CPUs=" + Runtime.getRuntime().availableProcessors()
                        + " State=UNKNOWN",
                "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP", ""));
        env = Map.of("SLURM_CONF", conf.toString());
        try {
            start(List.of("munged", "--force", "--socket=" + sock.resolve("munge.sock"),
                    "--key-file=" + key.resolve("munge.key"), "--log-file=" + logs.resolve("munged.log"),
                    "--pid-file=" + dir.resolve("munged.pid"), "--seed-file=" + dir.resolve("munged.seed")), logs);
            start(List.of("slurmctld", "-f", conf.toString()), logs);
            start(List.of("slurmd", "-f", conf.toString(), "-N", host), logs);
            waitForIdleNode(logs);

            Path config = Files.writeString(dir.resolve("config.json"), FleetShardsTest.TINY);
            List<String> runArgs = FleetShardsTest.runArgs(config, "64");
            Path launcher = dir.resolve("dayzero");
            Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                    + "' -Xmx512m -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName()
                    + " \"$@\"\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path results = dir.resolve("results");
            Path script = dir.resolve("dayzero.sbatch");
            List<String> fleet = new ArrayList<>(List.of("fleet", "slurm", "--shards", "3", "--results",
                    results.toString(), "--throttle", "1", "--dayzero", launcher.toString(), "--job-name", "dz-test",
                    "--output", logs.resolve("shard-%a.out").toString(), "--out", script.toString(), "--"));
            fleet.addAll(runArgs);
            CliTestSupport written = CliTestSupport.run(fleet.toArray(String[]::new));
            assertEquals(ExitCode.OK, written.exitCode(), written.out() + written.err());
            assertTrue(Files.readString(script).contains("#SBATCH --array=1-3%1"));

            String submitted = run(List.of("sbatch", script.toString()), 60);
            Matcher id = Pattern.compile("Submitted batch job (\\d+)").matcher(submitted);
            assertTrue(id.find(), submitted);
            String job = id.group(1);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
            while (!run(List.of("squeue", "-h", "-j", job, "-o", "%i"), 30).isBlank()) {
                if (System.nanoTime() > deadline) {
                    fail("the array job did not finish in 15 minutes: " + run(List.of("squeue"), 30) + logs(logs));
                }
                Thread.sleep(2000);
            }
            String states = run(List.of("scontrol", "show", "job", job), 30);
            List<String> taskStates = Pattern.compile("JobState=(\\S+)").matcher(states).results().map(m -> m.group(1))
                    .toList();
            assertEquals(List.of("COMPLETED", "COMPLETED", "COMPLETED"), taskStates, states + logs(logs));

            List<Path> shards = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Path s = results.resolve("shard-" + i);
                assertTrue(Files.isRegularFile(s.resolve("MANIFEST.sha256")), "shard " + i + " finished" + logs(logs));
                shards.add(s);
            }
            assertNoOverlap(logs);

            List<String> single = new ArrayList<>(List.of("run", "--out", dir.resolve("single").toString()));
            single.addAll(runArgs);
            CliTestSupport one = CliTestSupport.run(single.toArray(String[]::new));
            assertEquals(ExitCode.OK, one.exitCode(), one.out() + one.err());
            CliTestSupport r1 = CliTestSupport.run("report", dir.resolve("single").toString(), "--out",
                    dir.resolve("single-report").toString());
            assertEquals(ExitCode.OK, r1.exitCode(), r1.out() + r1.err());
            List<String> report = new ArrayList<>(List.of("report"));
            shards.forEach(s -> report.add(s.toString()));
            report.addAll(List.of("--out", dir.resolve("folded").toString()));
            CliTestSupport r3 = CliTestSupport.run(report.toArray(String[]::new));
            assertEquals(ExitCode.OK, r3.exitCode(), r3.out() + r3.err());
            assertEquals("", r3.err(), "every shard and case is there");
            assertEquals(FleetShardsTest.caseDeviceStatus(dir.resolve("single-report")),
                    FleetShardsTest.caseDeviceStatus(dir.resolve("folded")));
        } finally {
            stop(dir);
        }
    }

    /** With %1, each shard starts after the one before it finished (slurmctld logs each task's start and end). */
    private static void assertNoOverlap(Path logs) throws IOException {
        String ctld = Files.readString(logs.resolve("slurmctld.log"), StandardCharsets.ISO_8859_1);
        List<String> events = Pattern.compile("sched: Allocate JobId=|_job_complete: JobId=\\S+ done").matcher(ctld)
                .results().map(m -> m.group()).toList();
        int running = 0;
        int started = 0;
        for (String e : events) {
            boolean start = e.startsWith("sched");
            started += start ? 1 : 0;
            running += start ? 1 : -1;
            assertTrue(running <= 1, "two shards ran at once:\n" + ctld);
        }
        assertEquals(3, started, ctld);
    }

    private void waitForIdleNode(Path logs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String state = "";
        while (System.nanoTime() < deadline) {
            state = run(List.of("sinfo", "-h", "-o", "%T"), 30).strip();
            if (state.equals("idle")) {
                return;
            }
            Thread.sleep(1000);
        }
        fail("the Slurm daemons did not start (node state '" + state + "')" + logs(logs));
    }

    private void start(List<String> cmd, Path logs) throws Exception {
        List<String> full = new ArrayList<>(cmd);
        full.set(0, which(cmd.get(0)));
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(cmd.get(0) + " did not start: " + out + logs(logs));
        }
    }

    /** Stops what this test started, by the pids they wrote. */
    private void stop(Path dir) {
        try {
            run(List.of("scontrol", "shutdown"), 30);
        } catch (Exception e) {
            // the daemons may never have started
        }
        for (String pidFile : List.of("slurmd.pid", "slurmctld.pid", "munged.pid")) {
            Path f = dir.resolve(pidFile);
            try {
                if (Files.exists(f)) {
                    long pid = Long.parseLong(Files.readString(f).strip());
                    ProcessHandle.of(pid).ifPresent(h -> {
                        h.destroy();
                        try {
                            h.onExit().get(20, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            h.destroyForcibly();
                        }
                    });
                }
            } catch (IOException | NumberFormatException e) {
                // nothing to stop
            }
        }
    }

    private String run(List<String> cmd, int seconds) throws Exception {
        List<String> full = new ArrayList<>(cmd);
        String path = which(cmd.get(0));
        full.set(0, path == null ? cmd.get(0) : path);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not return in " + seconds + " s");
        }
        return out;
    }

    private static String which(String binary) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(d, binary))) {
                return d + "/" + binary;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String logs(Path logs) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                sb.append("\n== ").append(f.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
            }
        } catch (IOException e) {
            sb.append("\n(logs unreadable: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }
}
