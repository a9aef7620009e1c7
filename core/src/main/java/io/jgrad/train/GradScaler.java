package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import io.jgrad.nn.Parameter;
import io.jgrad.spi.StepGuard;
import java.util.Collection;

/**
 * Dynamic loss scaling for float16 (PyTorch's GradScaler): backward runs on loss·S so that small gradients do not
 * underflow float16; the gradients are divided by S before the step. A step whose gradients overflow is skipped and
 * S halves; after {@code growthInterval} clean steps in a row S doubles. bfloat16 has float32's range and needs none.
 */
public final class GradScaler {
  /** PyTorch's defaults: 2^16, ×2 every 2000 clean steps, ×0.5 on overflow. */
  public static final double INITIAL_SCALE = 65536;
  public static final double GROWTH = StepGuard.GROWTH;
  public static final double BACKOFF = StepGuard.BACKOFF;
  public static final int GROWTH_INTERVAL = 2000;

  private final int growthInterval;
  private double scale;
  private int cleanSteps;
  private long skipped;

  public GradScaler() {
    this(INITIAL_SCALE, GROWTH_INTERVAL);
  }

  public GradScaler(double initialScale, int growthInterval) {
    if (!(initialScale > 0) || Double.isInfinite(initialScale) || growthInterval < 1) {
      throw new IllegalArgumentException("GradScaler: needs a finite scale > 0 and a growth interval >= 1, got "
          + initialScale + " and " + growthInterval);
    }
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** S, the factor the next backward's loss is multiplied by. */
  public double scale() {
    return scale;
  }

  /** Steps skipped so far because their gradients overflowed. */
  public long skippedSteps() {
    return skipped;
  }

  int growthInterval() {
    return growthInterval;
  }

  int cleanSteps() {
    return cleanSteps;
  }

  /** Takes the state a device-decided run reached ({@link DeviceGuard}): S, the clean steps, more overflows. */
  void follow(double scale, int cleanSteps, int overflows) {
    this.scale = scale;
    this.cleanSteps = cleanSteps;
    this.skipped += overflows;
  }

  /** loss·S, to run backward on. */
  public Tensor scale(Tensor loss) {
    return loss.mul(scale);
  }

  /** Divides every gradient by S in place (one fused kernel each), so clipping and the step see the true gradient. */
  public void unscale(Collection<Parameter> params) {
    for (Parameter p : params) {
      Tensor g = p.grad();
      if (g != null) {
        g.backend().unary(UnaryOp.MUL_SCALAR, 1 / scale, buffer(g), buffer(g));
      }
    }
  }

  /**
   * After a step's gradients were checked: an overflow halves S (the caller skips the step), a clean step counts
   * toward doubling it.
   */
  public void update(boolean overflowed) {
    if (overflowed) {
      scale *= BACKOFF;
      cleanSteps = 0;
      skipped++;
    } else if (++cleanSteps == growthInterval) {
      scale *= GROWTH;
      cleanSteps = 0;
    }
  }
}
