package io.jgrad.cuda;

import static io.jgrad.cuda.CnnReference.BATCH_NORM_SHAPES;
import static io.jgrad.cuda.CnnReference.GEOMETRIES;
import static io.jgrad.cuda.CnnReference.randoms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conv.cu, pool.cu and batchnorm.cu run on the host CUDA emulator (their own source, small grids so that the
 * grid-stride loops wrap) against {@link CnnReference}: im2col exactly, col2im and the pooling backwards as
 * scatter-adds, max pooling with ties (the first maximum wins) and NaN (it wins), average pooling with and without
 * the padding counted, batch-norm statistics, running averages, forward and backward in float64.
 */
class CnnKernelsHostTest {
  private static HostKernel harness;

  @BeforeAll
  static void build(@TempDir Path tmp) throws Exception {
    assumeTrue(HostTool.onPath("g++"), "g++ is not on PATH: skipping the host run of the CNN kernels");
    harness = HostKernel.build("cnn_host.cpp", tmp);
  }

  @Test
  void im2colAndCol2imMatchTheirDefinitions() throws Exception {
    for (ConvGeometry g : GEOMETRIES) {
      SplittableRandom random = new SplittableRandom(1);
      float[] x = randoms((int) g.inputs(), random);
      assertExact(CnnReference.im2col(g, x), floats(harness.run("im2col " + line(g) + bits(x))), "im2col " + g);
      float[] dcol = randoms((int) g.columns(), random);
      assertClose(CnnReference.col2im(g, dcol), floats(harness.run("col2im " + line(g) + bits(dcol))), 1e-6,
          "col2im " + g);
    }
  }

  @Test
  void maxPoolingTakesTheFirstMaximumAndRoutesItsGradient() throws Exception {
    for (ConvGeometry g : GEOMETRIES) {
      if (!CnnReference.maxPoolAccepts(g)) {
        continue;
      }
      SplittableRandom random = new SplittableRandom(2);
      float[] x = CnnReference.tiedInputs((int) g.inputs(), random);
      CnnReference.MaxPool expected = CnnReference.maxPool(g, x);
      long[] out = harness.run("maxpool " + line(g) + bits(x));
      int outputs = (int) g.outputs();
      assertEquals(2 * outputs, out.length);
      float[] y = new float[outputs];
      for (int o = 0; o < outputs; o++) {
        y[o] = Float.intBitsToFloat((int) out[o]);
        assertEquals(expected.argmax()[o], (int) out[outputs + o], "maxpool " + g + " argmax of output " + o);
      }
      assertExact(expected.y(), y, "maxpool " + g);

      float[] dy = randoms(outputs, random);
      StringBuilder indices = new StringBuilder();
      for (int a : expected.argmax()) {
        indices.append(a).append(' ');
      }
      assertClose(CnnReference.maxPoolBackward(g, dy, expected.argmax()),
          floats(harness.run("maxpoolback " + line(g) + bits(dy) + indices)), 1e-6, "maxpool backward " + g);
    }
  }

  @Test
  void averagePoolingWithAndWithoutThePaddingCounted() throws Exception {
    for (ConvGeometry g : GEOMETRIES) {
      for (boolean window : new boolean[] {false, true}) {
        SplittableRandom random = new SplittableRandom(3);
        float[] x = randoms((int) g.inputs(), random);
        float[] dy = randoms((int) g.outputs(), random);
        String head = line(g) + (window ? 1 : 0) + " ";
        assertClose(CnnReference.avgPool(g, window, x), floats(harness.run("avgpool " + head + bits(x))), 1e-6,
            "avgpool " + g + " window divisor " + window);
        assertClose(CnnReference.avgPoolBackward(g, window, dy),
            floats(harness.run("avgpoolback " + head + bits(dy))), 1e-6, "avgpool backward " + g + " " + window);
      }
    }
  }

  @Test
  void batchNormStatisticsForwardAndBackward() throws Exception {
    for (int[] s : BATCH_NORM_SHAPES) {
      int n = s[0];
      int channels = s[1];
      int hw = s[2];
      SplittableRandom random = new SplittableRandom(4);
      float[] x = CnnReference.channelInputs(n, channels, hw, random);
      float[] runningMean = randoms(channels, random);
      float[] runningVar = randoms(channels, random);
      for (int c = 0; c < channels; c++) {
        runningVar[c] = Math.abs(runningVar[c]) + 0.5f;
      }
      double eps = 1e-5;
      double momentum = 0.1;
      CnnReference.Stats expected =
          CnnReference.batchNormStats(x, n, channels, hw, momentum, runningMean, runningVar);
      String dims = n + " " + channels + " " + hw + " ";
      float[] stats = floats(harness.run("bnstats " + dims + momentum + " " + bits(x) + bits(runningMean)
          + bits(runningVar)));
      assertClose(CnnReference.concat(expected.mean(), expected.var(), expected.runningMean(),
          expected.runningVar()), stats, 1e-5, "batchnorm stats " + dims);

      float[] mean = java.util.Arrays.copyOfRange(stats, 0, channels);
      float[] var = java.util.Arrays.copyOfRange(stats, channels, 2 * channels);
      float[] gamma = randoms(channels, random);
      float[] beta = randoms(channels, random);
      assertClose(CnnReference.batchNorm(x, mean, var, eps, gamma, beta, channels, hw),
          floats(harness.run("bnforward " + dims + eps + " " + bits(x) + bits(mean) + bits(var) + bits(gamma)
              + bits(beta))), 1e-5, "batchnorm forward " + dims);
      float[] dy = randoms(x.length, random);
      for (boolean batchStatistics : new boolean[] {true, false}) {
        assertClose(CnnReference.batchNormBackward(batchStatistics, x, dy, mean, var, eps, gamma, n, channels, hw),
            floats(harness.run("bnbackward " + dims + eps + " " + (batchStatistics ? 1 : 0) + " " + bits(x) + bits(dy)
                + bits(mean) + bits(var) + bits(gamma))), 1e-5, "batchnorm backward " + dims + batchStatistics);
      }
    }
  }

  /** The 14 ints of the kernels' struct, then a space. */
  private static String line(ConvGeometry g) {
    StringBuilder s = new StringBuilder();
    for (int f : g.fields()) {
      s.append(f).append(' ');
    }
    return s.toString();
  }

  private static String bits(float[] x) {
    StringBuilder s = new StringBuilder();
    for (float v : x) {
      s.append(Integer.toUnsignedString(Float.floatToRawIntBits(v))).append(' ');
    }
    return s.toString();
  }

  private static float[] floats(long[] raw) {
    float[] x = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      x[i] = Float.intBitsToFloat((int) raw[i]);
    }
    return x;
  }

  static void assertExact(float[] expected, float[] got, String what) {
    assertEquals(expected.length, got.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(got[i]), what + " element " + i);
    }
  }

  /** |got − expected| ≤ tolerance·max(1, |expected|), NaN only where expected. */
  static void assertClose(double[] expected, float[] got, double tolerance, String what) {
    assertEquals(expected.length, got.length, what);
    for (int i = 0; i < expected.length; i++) {
      boolean ok = Double.isNaN(expected[i])
          ? Float.isNaN(got[i])
          : Math.abs(got[i] - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i]));
      assertTrue(ok, what + " element " + i + ": " + got[i] + ", expected " + expected[i]);
    }
  }
}
