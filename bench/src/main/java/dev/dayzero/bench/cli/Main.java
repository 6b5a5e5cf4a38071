package dev.dayzero.bench.cli;

import dev.dayzero.hal.HalException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dayzero}: on day zero, can each chip run this model's hot operators, correctly, and how fast?
 * Errors a user can fix print one line and exit 2; {@code --verbose} adds the stack trace.
 */
@Command(name = "dayzero", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "On day zero, can each chip run this model's hot operators, correctly, and how fast?",
        subcommands = {BackendsCommand.class, ModelsCommand.class, RunCommand.class, ConformCommand.class,
                DumpCommand.class, ReportCommand.class, DoctorCommand.class, FleetCommand.class, CalibrateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: backends, models, run, conform, dump, report, doctor, fleet or calibrate (see --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (never exits the JVM: tests call this). */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The command line with its error handling, writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("dayzero: " + ex.getMessage());
            ex.getCommandLine().getErr().println("  see: dayzero " + ex.getCommandLine().getCommandName().replace("dayzero", "").trim()
                    + " --help");
            return ExitCode.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            int code;
            if (ex instanceof IllegalArgumentException) {
                code = ExitCode.BAD_INPUT;
                e.println("dayzero: " + ex.getMessage());
            } else if (ex instanceof HalException h) {
                code = ExitCode.CRASHED;
                e.println("dayzero: backend error (" + h.vendor() + "): " + ex.getMessage());
            } else {
                code = ExitCode.CRASHED;
                e.println("dayzero: " + ex);
            }
            if (main.verbose) {
                ex.printStackTrace(e);
            } else if (code != ExitCode.BAD_INPUT) {
                e.println("  (run with --verbose for the stack trace)");
            }
            e.flush();
            return code;
        });
        return cl;
    }
}
