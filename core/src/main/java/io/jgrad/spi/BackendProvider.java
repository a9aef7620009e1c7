package io.jgrad.spi;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;

/**
 * The plug-in point for backends, found with {@link java.util.ServiceLoader}
 * (META-INF/services/io.jgrad.spi.BackendProvider). A provider must be cheap to construct and must not touch native libraries before {@link #unavailableReason()}.
 */
public interface BackendProvider {

  /** The name users ask for ("cpu", "cpu-scalar", "cuda"). */
  String name();

  /** Higher wins in {@link Backends#auto()}. */
  int priority();

  /** Null when this backend can run here; otherwise one line saying why not (e.g. "no CUDA driver: libcuda.so.1 not found"). */
  String unavailableReason();

  Backend create(BackendOptions options);
}
