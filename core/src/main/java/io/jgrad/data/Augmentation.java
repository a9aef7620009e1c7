package io.jgrad.data;

import java.util.Arrays;

/**
 * Training-time augmentation of image examples [C, H, W], applied on the fly as a {@link DataLoader} gathers a batch
 * (the dataset is never copied): a random crop of the image padded by {@code padding} zeros on each side (torchvision's
 * RandomCrop(size, padding)) and, if {@code horizontalFlip}, a mirror image half of the time. Each example's draw
 * depends only on (seed, epoch, example index), so it is the same on every backend, whatever the batch order or
 * thread. The data are standardised before, so the padding is the channel's training mean (0), not black.
 */
public record Augmentation(int padding, boolean horizontalFlip) {
  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(0, false);

  /** The CIFAR recipe: a 4-pixel padded random crop and horizontal flips. */
  public static final Augmentation CROP_AND_FLIP = new Augmentation(4, true);

  public Augmentation {
    if (padding < 0) {
      throw new IllegalArgumentException("augmentation padding must be >= 0, got " + padding);
    }
  }

  public boolean isNone() {
    return padding == 0 && !horizontalFlip;
  }

  /**
   * Writes example {@code src[srcOff …]} of shape [C, H, W], augmented, to {@code dst[dstOff …]}.
   *
   * @param draw the example's own random number (see {@link #draw})
   */
  void apply(float[] src, int srcOff, int[] shape, long draw, float[] dst, int dstOff) {
    int channels = shape[0];
    int h = shape[1];
    int w = shape[2];
    int span = 2 * padding + 1;
    int dy = (int) Long.remainderUnsigned(draw, span) - padding; // the crop's shift in [−padding, padding]
    int dx = (int) Long.remainderUnsigned(draw / span, span) - padding;
    boolean flip = horizontalFlip && ((draw >>> 62) & 1) == 1;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < h; y++) {
        int row = dstOff + (c * h + y) * w;
        int sy = y + dy;
        if (sy < 0 || sy >= h) {
          Arrays.fill(dst, row, row + w, 0f);
          continue;
        }
        int srcRow = srcOff + (c * h + sy) * w;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          dst[row + x] = sx >= 0 && sx < w ? src[srcRow + sx] : 0f;
        }
      }
    }
  }

  /** The random number of one example in one epoch: a pure function of its arguments (SplitMix64's mixer). */
  static long draw(long seed, int epoch, int example) {
    return mix(mix(seed * 0x9E3779B97F4A7C15L + epoch) + example);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
