package io.jgrad.examples;

import io.jgrad.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jgrad} command line: train, eval, predict, export, serve, xor, regression, bench, backends. */
@Command(
    name = "jgrad",
    mixinStandardHelpOptions = true,
    version = "jgrad 0.1.0",
    description = "Train neural networks with reverse-mode autodiff on the CPU or an NVIDIA GPU.",
    subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ExportCommand.class,
        ImportCommand.class, SummaryCommand.class, ServeCommand.class, XorCommand.class, RegressionCommand.class,
        BenchCommand.class,
        BackendsCommand.class})
public final class Jgrad implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = CliEnums.install(new CommandLine(new Jgrad()))
        .setParameterExceptionHandler(Jgrad::oneLineParseError)
        .setExecutionExceptionHandler(Jgrad::oneLineError);
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      cli.getErr().println(OutOfMemory.explain(e, args));
      return 1;
    }
  }

  /**
   * A user's mistake (a missing file, a bad option value, a corrupt dataset) is one line on stderr, not a stack trace.
   * Set JGRAD_DEBUG=1 to see the trace.
   */
  private static int oneLineError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + message.replace('\n', ' '));
    if (System.getenv("JGRAD_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    return 1;
  }

  /**
   * A command line that does not parse (an unknown option, a value that is not a number, a missing value, an enum's
   * unknown value) is one line too, naming the option, with exit code 1 as every other bad value; not the message
   * followed by the command's whole usage, which pushed it off the screen.
   */
  private static int oneLineParseError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName();
    String message = CliEnums.unknownValue(e);
    if (message == null) {
      message = e.getMessage().replace('\n', ' ').strip();
      if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
      }
      message += " (see " + name + " --help)";
    }
    cmd.getErr().println(name + ": " + message);
    return 1;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
