package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** {@link PooledNormGradient} against the plane pass then the scatter it replaces, bit for bit. */
class PooledNormGradientTest {
  /** {H, W}: Fashion-MNIST's first block, an odd row count, an odd width (a column in no window), rows of a vector. */
  private static final int[][] PLANES = {{28, 28}, {9, 28}, {6, 71}, {16, 16}, {14, 32}};

  @Test
  void onePassGivesThePlanePassAndTheScattersBits() {
    SplittableRandom random = new SplittableRandom(5);
    for (int[] plane : PLANES) {
      int h = plane[0];
      int w = plane[1];
      int oh = h / 2;
      int ow = w / 2;
      int planes = 3;
      float[] x = new float[planes * h * w];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextDouble(-2, 2);
      }
      float[] dy = new float[planes * oh * ow];
      int[] indices = new int[dy.length];
      for (int j = 0; j < dy.length; j++) {
        dy[j] = (float) random.nextDouble(-1, 1);
        int window = j % (oh * ow);
        indices[j] = (2 * (window / ow) + random.nextInt(2)) * w + 2 * (window % ow) + random.nextInt(2);
      }
      float m = 0.3f;
      float a = 1.7f;
      float b = -0.2f;
      float d = 0.05f;
      float[] expected = new float[x.length];
      for (int p = 0; p < planes; p++) {
        for (int i = p * h * w; i < (p + 1) * h * w; i++) {
          expected[i] = Math.fma(x[i] - m, b, d);
        }
        for (int j = p * oh * ow; j < (p + 1) * oh * ow; j++) {
          int at = p * h * w + indices[j];
          expected[at] = Math.fma(dy[j], a, expected[at]);
        }
      }
      float[] dx = new float[x.length];
      Arrays.fill(dx, Float.NaN);
      PooledNormGradient gradient = new PooledNormGradient(h, w, oh, ow);
      for (int p = 0; p < planes; p++) {
        gradient.plane(x, dy, indices, dx, p * h * w, p * oh * ow, m, a, b, d);
      }
      assertArrayEquals(bits(expected), bits(dx), h + "×" + w);
    }
  }

  @Test
  void rowsNarrowerThanAVectorGoElsewhere() {
    assertFalse(PooledNormGradient.applies(FloatVector.SPECIES_PREFERRED.length() - 1));
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToRawIntBits(v[i]);
    }
    return out;
  }
}
