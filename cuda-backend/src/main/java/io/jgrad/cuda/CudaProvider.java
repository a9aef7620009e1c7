package io.jgrad.cuda;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.spi.BackendProvider;

/**
 * Plugs {@link CudaBackend} into {@link io.jgrad.Backends} as "cuda", ranked above the CPU backends. Construction
 * touches nothing native; the probe runs once per provider, on the first question.
 *
 * <p>TF32 tensor-core GEMM is off unless {@link BackendOptions#tf32()} asks for it: it trades float32 accuracy
 * (10-bit mantissas) for speed, which a user must choose.
 */
public final class CudaProvider implements BackendProvider {
  private String reason;
  private boolean probed;

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public synchronized String unavailableReason() {
    if (!probed) {
      reason = CudaProbe.unavailableReason();
      probed = true;
    }
    return reason;
  }

  @Override
  public Backend create(BackendOptions options) {
    String why = unavailableReason();
    if (why != null) {
      throw new IllegalArgumentException("backend cuda is not available: " + why);
    }
    return CudaBackend.open(options);
  }
}
