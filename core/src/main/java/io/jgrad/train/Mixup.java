package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import java.util.SplittableRandom;

/**
 * mixup (Zhang et al., 2018) as timm's {@code Mixup(mixup_alpha=α)} applies it to a batch: λ drawn from Beta(α, α),
 * each example mixed with the one at the mirrored place of the batch, x' = λ·x + (1 − λ)·flip(x), and the loss
 * λ·L(f(x'), y) + (1 − λ)·L(f(x'), flip(y)). For cross-entropy that is the loss of the mixed targets, label smoothing
 * included (timm's {@code mixup_target} smooths both). The batches come shuffled, so the mirror pairs examples at
 * random. λ depends only on the seed, the epoch and the step, so a resumed run mixes as the uninterrupted one.
 */
public final class Mixup {
  private final double alpha;
  private final long seed;

  /** @param alpha Beta(α, α)'s parameter, > 0: 0.2 keeps most batches near one of their two images, 1 mixes evenly */
  public Mixup(double alpha, long seed) {
    if (!(alpha > 0 && Double.isFinite(alpha))) {
      throw new IllegalArgumentException("mixup: alpha must be > 0, got " + alpha);
    }
    this.alpha = alpha;
    this.seed = seed;
  }

  public double alpha() {
    return alpha;
  }

  /** λ of {@code step} of {@code epoch} (both 0-based): a draw from Beta(α, α) of its own. */
  public double lambda(int epoch, int step) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ((long) epoch << 32) + step);
    double a = gamma(random, alpha);
    double b = gamma(random, alpha);
    return a + b > 0 ? a / (a + b) : 0.5; // both draws 0: a chance of 2^-106
  }

  /** The mixed loss of {@code model} on {@code batch} with this λ, made in the caller's scope. */
  Tensor loss(Module model, Loss loss, Batch batch, double lambda) {
    Tensor x = batch.features();
    Tensor labels = batch.labels();
    int n = batch.size();
    int[] mirror = new int[n];
    for (int i = 0; i < n; i++) {
      mirror[i] = n - 1 - i;
    }
    Tensor order = Tensor.of(x.backend(), mirror, n);
    Tensor mirroredX = mirrored(x, order, n);
    Tensor mirroredLabels = mirrored(labels, order, n);
    Tensor out = model.forward(x.mul(lambda).add(mirroredX.mul(1 - lambda)));
    return loss.apply(out, labels).mul(lambda).add(loss.apply(out, mirroredLabels).mul(1 - lambda));
  }

  /** {@code t}'s rows in {@code order}. */
  private static Tensor mirrored(Tensor t, Tensor order, int n) {
    Tensor m = Tensor.empty(t.backend(), t.dtype(), t.shape());
    t.backend().gather(buffer(t), t.size() / n, buffer(order), 0, n, buffer(m));
    return m;
  }

  /**
   * A draw from Gamma(a, 1): Marsaglia and Tsang's method, with a below 1 raised to a + 1 and scaled back by U^(1/a)
   * (their note for small shapes).
   */
  static double gamma(SplittableRandom random, double a) {
    if (a < 1) {
      return gamma(random, a + 1) * Math.pow(random.nextDouble(), 1 / a);
    }
    double d = a - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = random.nextGaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
