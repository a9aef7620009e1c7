package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jgrad bench gemm|train|memory}: benchmarks that print one JSON object per line, so results compare across
 * commits and machines. They are commands, never tests; figures go in docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (JSON lines on stdout).",
    subcommands = {BenchCommand.Gemm.class, TrainBench.class, MemoryBench.class})
public final class BenchCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Options every benchmark takes. */
  public static final class BackendChoice {
    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, cpu-scalar or cuda (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    Integer threads;

    Backend open() {
      return Backends.create(name, new BackendOptions(threads != null ? threads : Runtime.getRuntime().availableProcessors()));
    }
  }

  @Command(name = "gemm", mixinStandardHelpOptions = true, description = "SGEMM GFLOP/s: square sizes and the MLP's products.")
  static final class Gemm implements Runnable {
    @CommandLine.Mixin BackendChoice backend;

    @Option(names = "--sizes", split = ",", description = "square sizes (default: 128,256,512,1024,2048)")
    int[] sizes;

    @Option(names = "--no-mlp", description = "skip the 784-512-256-10 MLP shapes")
    boolean noMlp;

    @Override
    public void run() {
      try (Backend b = backend.open()) {
        GemmBench.run(b, sizes != null ? sizes : GemmBench.defaultSquares(), !noMlp, System.out::println);
      }
    }
  }
}
