package io.jgrad.internal;

import io.jgrad.Tensor;
import io.jgrad.spi.Buffer;

/**
 * Not API: what core's own library code (layers, optimizers, the trainer, data loading, model files) reaches inside a
 * tensor for, so that Tensor has no public method only plumbing may call. The JDK's SharedSecrets pattern: Tensor
 * installs the one implementation as its class initialises, before any tensor exists to be passed here.
 */
public final class TensorAccess {
  /** The operations, implemented beside Tensor in io.jgrad. */
  public interface Hooks {
    Buffer buffer(Tensor t);

    Tensor castReusing(Tensor master, Tensor copy);
  }

  /** Written once, by Tensor's class initialiser; volatile so a thread handed a tensor by a data race sees it too. */
  private static volatile Hooks hooks;

  private TensorAccess() {}

  /** Called once, by Tensor's class initialiser; a second call is an error. */
  public static void install(Hooks h) {
    if (hooks != null) {
      throw new IllegalStateException("TensorAccess: installed by io.jgrad.Tensor only, and once");
    }
    hooks = h;
  }

  /** t's backend buffer, for kernels run directly on it (fused optimizer steps, running statistics, model files). */
  public static Buffer buffer(Tensor t) {
    return hooks.buffer(t);
  }

  /**
   * {@code copy}'s values, which already hold {@code master} converted (a parameter's 16-bit copy, rewritten by the
   * optimizer after each step), recorded as a cast of master without running it: the gradient reaches master.
   */
  public static Tensor castReusing(Tensor master, Tensor copy) {
    return hooks.castReusing(master, copy);
  }
}
