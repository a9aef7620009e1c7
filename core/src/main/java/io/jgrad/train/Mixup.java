package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * mixup (Zhang et al., 2018) and CutMix (Yun et al., 2019) as timm's {@code Mixup(mixup_alpha, cutmix_alpha)} applies
 * them to a batch, each example paired with the one at the mirrored place of the batch (the batches come shuffled, so
 * the pairs are random). mixup draws λ from Beta(α, α) and blends x' = λ·x + (1 − λ)·flip(x); CutMix draws λ from
 * Beta(α, α), pastes a box of the mirror's pixels of about 1 − λ of the image's area (sides √(1 − λ) of the image's,
 * centred on a uniform pixel, clipped to the image, the same box through every channel and every example) and sets λ
 * to the share of the image left outside it; with both, each batch takes one of them, half the batches each. The loss
 * is λ·L(f(x'), y) + (1 − λ)·L(f(x'), flip(y)): for cross-entropy, that of the mixed targets, label smoothing included
 * (timm's {@code mixup_target} smooths both). What a batch draws depends only on the seed, the epoch and the step, so a
 * resumed run mixes as the uninterrupted one.
 */
public final class Mixup {
  private final double mixupAlpha;
  private final double cutMixAlpha;
  /** [C, H, W] of the examples where CutMix runs, else null. */
  private final int[] imageShape;
  private final long seed;

  /**
   * mixup alone.
   *
   * @param alpha Beta(α, α)'s parameter, > 0: 0.2 keeps most batches near one of their two images, 1 mixes evenly
   */
  public Mixup(double alpha, long seed) {
    this(alpha, 0, null, seed);
  }

  private Mixup(double mixupAlpha, double cutMixAlpha, int[] imageShape, long seed) {
    if (!(mixupAlpha >= 0 && Double.isFinite(mixupAlpha)) || !(cutMixAlpha >= 0 && Double.isFinite(cutMixAlpha))
        || mixupAlpha == 0 && cutMixAlpha == 0) {
      throw new IllegalArgumentException("mixup: alpha must be > 0, got " + (cutMixAlpha > 0 ? cutMixAlpha
          : mixupAlpha));
    }
    if (cutMixAlpha > 0 && (imageShape == null || imageShape.length != 3 || imageShape[1] < 2 || imageShape[2] < 2)) {
      throw new IllegalArgumentException("CutMix cuts a box out of images [C, H, W], got examples of shape "
          + (imageShape == null ? "none" : Arrays.toString(imageShape)));
    }
    this.mixupAlpha = mixupAlpha;
    this.cutMixAlpha = cutMixAlpha;
    this.imageShape = imageShape == null ? null : imageShape.clone();
    this.seed = seed;
  }

  /** CutMix alone, on examples of {@code imageShape} [C, H, W]; {@code alpha} > 0, often 1. */
  public static Mixup cutMix(double alpha, int[] imageShape, long seed) {
    return new Mixup(0, alpha, imageShape, seed);
  }

  /** This mixup and CutMix of {@code alpha} on examples of {@code imageShape}, each on half the batches. */
  public Mixup withCutMix(double alpha, int[] imageShape) {
    return new Mixup(mixupAlpha, alpha, imageShape, seed);
  }

  /**
   * What one batch draws: λ, the share of each example's own image (or blend), and for CutMix the box [top, bottom) ×
   * [left, right) that takes the mirror's pixels (empty for mixup).
   */
  public record Draw(double lambda, boolean cutMix, int top, int bottom, int left, int right) {}

  /** The draw of {@code step} of {@code epoch} (both 0-based). */
  public Draw draw(int epoch, int step) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + ((long) epoch << 32) + step);
    boolean cut = cutMixAlpha > 0 && (mixupAlpha == 0 || random.nextDouble() < 0.5);
    double lambda = beta(random, cut ? cutMixAlpha : mixupAlpha);
    if (!cut) {
      return new Draw(lambda, false, 0, 0, 0, 0);
    }
    int h = imageShape[1];
    int w = imageShape[2];
    double ratio = Math.sqrt(1 - lambda);
    int cutH = (int) (h * ratio);
    int cutW = (int) (w * ratio);
    int cy = random.nextInt(h);
    int cx = random.nextInt(w);
    int top = Math.max(0, cy - cutH / 2);
    int bottom = Math.min(h, cy + cutH / 2);
    int left = Math.max(0, cx - cutW / 2);
    int right = Math.min(w, cx + cutW / 2);
    double kept = 1 - (double) (bottom - top) * (right - left) / ((double) h * w);
    return new Draw(kept, true, top, bottom, left, right);
  }

  /** The mixed loss of {@code model} on {@code batch} under {@code d}, made in the caller's scope. */
  Tensor loss(Module model, Loss loss, Batch batch, Draw d) {
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
    double lambda = d.lambda();
    Tensor mixed;
    if (d.cutMix()) {
      Tensor inside = boxMask(x, d);
      mixed = x.mul(inside.neg().add(1)).add(mirroredX.mul(inside));
    } else {
      mixed = x.mul(lambda).add(mirroredX.mul(1 - lambda));
    }
    Tensor out = model.forward(mixed);
    return loss.apply(out, labels).mul(lambda).add(loss.apply(out, mirroredLabels).mul(1 - lambda));
  }

  /**
   * One example's worth of 1 inside the box and 0 outside, shaped [1, …] to broadcast over the batch: multiplying by
   * exact ones and zeros keeps each pixel's value to the bit.
   */
  private Tensor boxMask(Tensor x, Draw d) {
    int h = imageShape[1];
    int w = imageShape[2];
    int[] dims = x.shape().dims().clone();
    dims[0] = 1;
    double[] mask = new double[Math.toIntExact(x.size() / x.dim(0))];
    for (int i = 0; i < mask.length; i++) {
      int row = i / w % h;
      int col = i % w;
      mask[i] = row >= d.top() && row < d.bottom() && col >= d.left() && col < d.right() ? 1 : 0;
    }
    return Tensor.of(x.backend(), mask, dims).to(x.dtype());
  }

  /** {@code t}'s rows in {@code order}. */
  private static Tensor mirrored(Tensor t, Tensor order, int n) {
    Tensor m = Tensor.empty(t.backend(), t.dtype(), t.shape());
    t.backend().gather(buffer(t), t.size() / n, buffer(order), 0, n, buffer(m));
    return m;
  }

  /** A draw from Beta(a, a): the first of two Gamma(a, 1) draws over their sum. */
  private static double beta(SplittableRandom random, double a) {
    double x = gamma(random, a);
    double y = gamma(random, a);
    return x + y > 0 ? x / (x + y) : 0.5; // both draws 0: a chance of 2^-106
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
