package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.BackendProvider;
import io.jgrad.Backends;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jgrad backends}: every backend on the class path, best first, with the kernels it runs here ({@link
 * Backend#describe()}) or, in one line, why it cannot run; {@code auto} takes the first available one.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = "List the backends on the class path and which kernels each runs here (auto takes the first).")
final class BackendsCommand implements Callable<Integer> {
  @Option(names = "--threads", description = "CPU kernel threads (default: one per processor)")
  Integer threads;

  @Override
  public Integer call() {
    BackendOptions options = threads == null ? BackendOptions.defaults() : BackendOptions.defaults().withThreads(threads);
    for (BackendProvider p : Backends.providers()) {
      String why = p.unavailableReason();
      if (why != null) {
        System.out.println(p.name() + ": unavailable: " + why);
        continue;
      }
      try (Backend backend = p.create(options)) {
        System.out.println(backend.describe());
      }
    }
    return 0;
  }
}
