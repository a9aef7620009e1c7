package io.jgrad.cpu;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.BackendProvider;

/** Offers {@link CpuScalarBackend} as "cpu-scalar": always available, below "cpu" in {@link io.jgrad.Backends#auto()}. */
public final class CpuScalarProvider implements BackendProvider {
  @Override
  public String name() {
    return "cpu-scalar";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public String unavailableReason() {
    return null;
  }

  @Override
  public Backend create(BackendOptions options) {
    return new CpuScalarBackend(options);
  }
}
