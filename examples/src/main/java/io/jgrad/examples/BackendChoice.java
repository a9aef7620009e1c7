package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import picocli.CommandLine.Option;

/** The options that choose where a command computes, {@code --backend} and {@code --threads}, declared once. */
final class BackendChoice {
  @Option(names = "--backend", defaultValue = "auto",
      description = "auto (cuda where a GPU answers, else cpu), cpu, cpu-scalar or cuda (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--threads", description = "CPU threads (default: all cores)")
  Integer threads;

  /** Opens the chosen backend with {@code options} and the chosen thread count (all cores when not given). */
  Backend open(BackendOptions options) {
    int count = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    return Backends.create(name, options.withThreads(count));
  }

  Backend open() {
    return open(BackendOptions.defaults());
  }
}
