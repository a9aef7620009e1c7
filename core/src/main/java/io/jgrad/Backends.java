package io.jgrad;

import io.jgrad.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds backends on the class path by name. Never falls back silently: asking for a missing backend is an error. */
public final class Backends {
  private Backends() {}

  /** Every provider on the class path, highest priority first. */
  public static List<BackendProvider> providers() {
    List<BackendProvider> all = new ArrayList<>();
    ServiceLoader.load(BackendProvider.class).forEach(all::add);
    all.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
    return all;
  }

  /** The highest-priority backend that can run here (CUDA when a device answers, else CPU). */
  public static Backend auto() {
    return create("auto", BackendOptions.defaults());
  }

  public static Backend create(String name) {
    return create(name, BackendOptions.defaults());
  }

  /**
   * @param name "auto" or a provider's name
   * @throws IllegalArgumentException when no such backend is on the class path or it cannot run here, saying why
   */
  public static Backend create(String name, BackendOptions options) {
    List<BackendProvider> all = providers();
    if (all.isEmpty()) {
      throw new IllegalStateException("no jgrad backend on the class path: add jgrad-cpu (or jgrad-cuda)");
    }
    if ("auto".equals(name)) {
      for (BackendProvider p : all) {
        if (p.unavailableReason() == null) {
          return p.create(options);
        }
      }
      throw new IllegalStateException("no backend can run here: " + reasons(all));
    }
    for (BackendProvider p : all) {
      if (p.name().equals(name)) {
        String why = p.unavailableReason();
        if (why != null) {
          throw new IllegalArgumentException("backend " + name + " is not available: " + why);
        }
        return p.create(options);
      }
    }
    throw new IllegalArgumentException(
        "unknown backend " + name + "; on the class path: "
            + all.stream().map(BackendProvider::name).collect(Collectors.joining(", ")));
  }

  private static String reasons(List<BackendProvider> all) {
    return all.stream().map(p -> p.name() + ": " + p.unavailableReason()).collect(Collectors.joining("; "));
  }
}
