package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.BackendProvider;

/** Offers {@link CpuBackend} as "cpu", preferred over "cpu-scalar"; it runs everywhere (plain loops at worst). */
public final class CpuProvider implements BackendProvider {
  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public int priority() {
    return 20;
  }

  @Override
  public String unavailableReason() {
    return null;
  }

  @Override
  public Backend create(BackendOptions options) {
    return new CpuBackend(options);
  }
}
