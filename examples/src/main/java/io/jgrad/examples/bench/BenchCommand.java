package io.jgrad.examples.bench;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.examples.JitDirectives;
import io.jgrad.examples.OptionChecks;
import io.jgrad.Transposed;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import io.jgrad.train.Precision;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code jgrad bench gemm|train|memory|conv}: benchmarks that print one JSON object per line, so results compare across
 * commits and machines. They are commands, never tests; figures go in docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (JSON lines on stdout).",
    subcommands = {BenchCommand.Gemm.class, TrainBench.class, MemoryBench.class, ConvBench.class})
public final class BenchCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Options every benchmark takes. */
  public static final class BackendChoice {
    @Option(
        names = "--backend", defaultValue = "cpu", description = "cpu, cpu-scalar or cuda (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    Integer threads;

    @Option(names = "--tf32", description = "let cuBLAS run float32 GEMM on TF32 tensor cores (cuda only)")
    boolean tf32;

    /** Opens the backend; on a CPU backend with C2 kept for the kernels, as {@code jgrad train} runs them. */
    Backend open() {
      BackendOptions options = BackendOptions.defaults().withTf32(tf32);
      Backend backend = Backends.create(name, threads != null ? options.withThreads(threads) : options);
      JitDirectives.installFor(backend);
      return backend;
    }
  }

  @Command(
      name = "gemm", mixinStandardHelpOptions = true, description = "SGEMM GFLOP/s: square sizes and the MLP's products.")
  static final class Gemm implements Runnable {
    private static final Pattern SHAPE =
        Pattern.compile("([1-9]\\d{0,8})x([1-9]\\d{0,8})x([1-9]\\d{0,8})(?::([NT]{2}))?");

    @CommandLine.Mixin BackendChoice backend;

    @Option(names = "--sizes", split = ",", description = "square sizes (default: 128,256,512,1024,2048)")
    int[] sizes;

    @Option(names = "--dtype", defaultValue = "fp32",
        description = "fp32, or bf16/fp16 A and B (float32 C and accumulation) (default: ${DEFAULT-VALUE})")
    Precision dtype;

    @Option(names = "--no-mlp", description = "skip the 784-512-256-10 MLP shapes")
    boolean noMlp;

    @Option(names = "--trace", paramLabel = "SECONDS",
        description = "instead: one product's GFLOP/s in 200 ms windows for this long (see --shape)")
    Double trace;

    @Option(names = "--shape", defaultValue = "128x512x784:NT", paramLabel = "MxNxK[:TT]",
        description = "the traced product C[M×N] = op(A)·op(B), K inner, transposes N or T "
            + "(default: ${DEFAULT-VALUE}, the MLP's first layer forward)")
    String shape;

    @Override
    public void run() {
      if (sizes != null) {
        OptionChecks.allAtLeast("--sizes", sizes, 1);
      }
      if (trace != null) {
        OptionChecks.finitePositive("--trace", trace);
      }
      Matcher s = SHAPE.matcher(shape);
      if (!s.matches()) {
        throw new IllegalArgumentException("--shape: expected MxNxK or MxNxK:TT (T or N each), got '" + shape + "'");
      }
      try (Backend b = backend.open()) {
        if (trace != null) {
          Transposed t = Transposed.ofLetters(s.group(4) != null ? s.group(4) : "NN");
          GemmBench.trace(b, Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)), Integer.parseInt(s.group(3)),
              t, trace, System.out::println);
        } else {
          GemmBench.run(b, dtype.dtype(), sizes != null ? sizes : GemmBench.defaultSquares(), !noMlp,
              System.out::println);
        }
      }
    }
  }
}
