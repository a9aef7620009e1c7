package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Window2d;
import io.jgrad.spi.Conv2dGeometry;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The first layer's weight gradient from dy's rows ({@link ShortWeightGradient}) through {@link ConvKernels}. */
class ShortWeightGradientTest {
  /**
   * Every case {@link ShortWeightGradient#applies} to: one to three channels, padding 0 to 2, dilation with uneven
   * padding, output positions past the last whole vector, and batches of one group, a group and a bit, and 130 (chunks
   * of 8 and 9 samples: a whole group and one more in a chunk).
   */
  private static final Conv2dGeometry[] SHAPES = {
    new Conv2dGeometry(1, 1, 28, 28, 32, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(9, 3, 7, 5, 4, 1, Window2d.of(3, 1, 1)),
    new Conv2dGeometry(2, 2, 9, 20, 2, 1, Window2d.of(3, 1, 0)),
    new Conv2dGeometry(3, 1, 6, 11, 6, 1, Window2d.of(3, 1, 2)),
    new Conv2dGeometry(2, 3, 6, 37, 4, 1, new Window2d(3, 3, 1, 1, 1, 2, 2, 1)),
    new Conv2dGeometry(130, 1, 4, 17, 6, 1, Window2d.of(3, 1, 1)),
  };

  @Test
  void everyWeightIsTheFloat64SumOfItsTapsProducts() {
    for (Conv2dGeometry g : SHAPES) {
      assertTrue(ShortWeightGradient.applies(g), g.toString());
      float[] x = values(g.inputSize(), 1);
      float[] dy = values(g.outputSize(), 2);
      double[] expected = new double[(int) g.weightSize()];
      double[] magnitude = new double[expected.length];
      reference(g, x, dy, expected, magnitude);
      float[] dw = gradient(g, x, dy, 2);
      for (int i = 0; i < dw.length; i++) {
        double error = Math.abs(dw[i] - expected[i]);
        assertTrue(error <= 1e-5 * magnitude[i] + 1e-30, g + ": weight " + i + " is " + dw[i] + ", expected "
            + expected[i] + " (error " + error + " against the products' magnitude " + magnitude[i] + ")");
      }
    }
  }

  /** The chunks, the groups in them and the lanes' order are fixed by the batch: any number of threads, same bits. */
  @Test
  void theResultDoesNotDependOnTheNumberOfThreads() {
    Conv2dGeometry g = SHAPES[SHAPES.length - 1];
    float[] x = values(g.inputSize(), 3);
    float[] dy = values(g.outputSize(), 4);
    float[] one = gradient(g, x, dy, 1);
    assertArrayEquals(one, gradient(g, x, dy, 2));
    assertArrayEquals(one, gradient(g, x, dy, 3));
  }

  @Test
  void otherShapesGoElsewhere() {
    assertFalse(ShortWeightGradient.applies(new Conv2dGeometry(2, 1, 28, 28, 32, 1, Window2d.of(5, 1, 2))));
    assertFalse(ShortWeightGradient.applies(new Conv2dGeometry(2, 1, 28, 28, 32, 1, Window2d.of(3, 2, 1))));
    assertFalse(ShortWeightGradient.applies(new Conv2dGeometry(2, 4, 28, 28, 32, 1, Window2d.of(3, 1, 1))));
    assertFalse(ShortWeightGradient.applies(new Conv2dGeometry(2, 1, 28, 28, 33, 1, Window2d.of(3, 1, 1))));
    assertFalse(ShortWeightGradient.applies(new Conv2dGeometry(2, 2, 28, 28, 32, 2, Window2d.of(3, 1, 1))));
    assertFalse(ShortWeightGradient.applies(new Conv2dGeometry(2, 1, 3, 3, 32, 1, Window2d.of(3, 1, 1))));
  }

  private static float[] gradient(Conv2dGeometry g, float[] x, float[] dy, int threads) {
    WorkerTeam team = new WorkerTeam(threads);
    try {
      float[] dw = new float[(int) g.weightSize()];
      Arrays.fill(dw, Float.NaN); // every weight written
      new ConvKernels(team).conv2dBackwardWeight(g, x, dy, dw, null);
      return dw;
    } finally {
      team.close();
    }
  }

  private static void reference(Conv2dGeometry g, float[] x, float[] dy, double[] dw, double[] magnitude) {
    Window2d k = g.window();
    int oh = g.outHeight();
    int ow = g.outWidth();
    for (int b = 0; b < g.batch(); b++) {
      for (int o = 0; o < g.outChannels(); o++) {
        for (int c = 0; c < g.inChannels(); c++) {
          for (int p = 0; p < 3; p++) {
            for (int q = 0; q < 3; q++) {
              int w = ((o * g.inChannels() + c) * 3 + p) * 3 + q;
              for (int i = 0; i < oh; i++) {
                int h = i - k.padH() + p * k.dilationH();
                for (int j = 0; j < ow; j++) {
                  int col = j - k.padW() + q * k.dilationW();
                  if (h < 0 || h >= g.height() || col < 0 || col >= g.width()) {
                    continue;
                  }
                  double product = (double) dy[((b * g.outChannels() + o) * oh + i) * ow + j]
                      * x[((b * g.inChannels() + c) * g.height() + h) * g.width() + col];
                  dw[w] += product;
                  magnitude[w] += Math.abs(product);
                }
              }
            }
          }
        }
      }
    }
  }

  private static float[] values(long n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble(-1, 1);
    }
    return v;
  }
}
