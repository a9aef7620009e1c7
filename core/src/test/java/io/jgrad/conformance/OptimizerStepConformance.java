package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.spi.Buffer;
import io.jgrad.DType;
import io.jgrad.spi.ReducedFloats;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The fused optimizer steps (SGD with momentum/Nesterov/weight decay, Adam, AdamW) over three steps, and the 16-bit
 * copy of the float32 param that each step writes in the same kernel: bit for bit the updated param rounded.
 */
public abstract class OptimizerStepConformance extends KernelConformance {
  protected OptimizerStepConformance(BackendConformanceTest suite) {
    super(suite);
  }

  private static final int STEPS = 3;

  @EachFloatType
  void sgdThreeStepsMatchTheEquations(DType dtype) {
    assumeSupported(dtype);
    // {momentum, dampening, weight decay, nesterov (0/1)}
    for (double[] h : new double[][] {{0, 0, 0.01, 0}, {0.9, 0.1, 0.01, 0}, {0.9, 0, 0, 1}}) {
      double lr = 0.05;
      double momentum = h[0];
      boolean nesterov = h[3] != 0;
      for (int n : new int[] {7, 1023}) {
        double[] p = values(dtype, n, -1, 1);
        double[] vel = new double[n];
        Buffer pb = put(dtype, p);
        Buffer vb = momentum == 0 ? null : poisoned(dtype, n); // the first step must overwrite it
        for (int step = 1; step <= STEPS; step++) {
          double[] g = values(dtype, n, -1, 1);
          for (int i = 0; i < n; i++) {
            double gi = g[i] + h[2] * p[i];
            if (momentum != 0) {
              vel[i] = round(dtype, step == 1 ? gi : momentum * vel[i] + (1 - h[1]) * gi);
              gi = nesterov ? gi + momentum * vel[i] : vel[i];
            }
            p[i] = round(dtype, p[i] - lr * gi);
          }
          backend.sgdStep(pb, null, put(dtype, g), vb, lr, momentum, h[1], h[2], nesterov, step == 1);
          String what = "sgd " + Arrays.toString(h) + " n=" + n + " step " + step;
          tolerance().assertClose(dtype, what, p, get(pb));
        }
      }
    }
  }

  @EachFloatType
  void adamThreeStepsMatchTheEquations(DType dtype) {
    assumeSupported(dtype);
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.05;
    for (boolean decoupled : new boolean[] {false, true}) {
      int n = 1023;
      double[] p = values(dtype, n, -1, 1);
      double[] m = new double[n];
      double[] v = new double[n];
      Buffer pb = put(dtype, p);
      Buffer mb = put(dtype, m);
      Buffer vb = put(dtype, v);
      for (int step = 1; step <= STEPS; step++) {
        double[] g = values(dtype, n, -1, 1);
        for (int i = 0; i < n; i++) {
          double pi = decoupled ? p[i] * (1 - lr * wd) : p[i];
          double gi = decoupled ? g[i] : g[i] + wd * p[i];
          m[i] = round(dtype, b1 * m[i] + (1 - b1) * gi);
          v[i] = round(dtype, b2 * v[i] + (1 - b2) * gi * gi);
          double mHat = m[i] / (1 - Math.pow(b1, step));
          double vHat = v[i] / (1 - Math.pow(b2, step));
          p[i] = round(dtype, pi - lr * mHat / (Math.sqrt(vHat) + eps));
        }
        backend.adamStep(pb, null, put(dtype, g), mb, vb, lr, b1, b2, eps, wd, decoupled, step);
        String what = (decoupled ? "adamw" : "adam") + " step " + step;
        tolerance().assertClose(dtype, what + " param", p, get(pb));
        tolerance().assertClose(dtype, what + " m", m, get(mb));
        tolerance().assertClose(dtype, what + " v", v, get(vb));
      }
    }
  }

  /**
   * After every step the copy holds exactly {@link ReducedFloats#toBits} of the float32 param the step stored: the
   * same rounding as {@code cast}, never a rounding of a wider intermediate. Params span float16's subnormals, its
   * normal range and beyond it (±Inf in float16), so every branch of the rounding runs; the copy starts poisoned.
   */
  @ReducedPrecisionConformance.Each16BitType
  void theStepsRewriteTheParamsSixteenBitCopy(DType copyType) {
    assumeSupported(copyType);
    double[] scales = {1, 3e-5, 7e4};
    for (int n : SIZES) {
      for (String optimizer : new String[] {"sgd", "sgd-nesterov", "adam", "adamw"}) {
        double[] p0 = values(DType.FLOAT32, n, -1, 1);
        for (int i = 0; i < n; i++) {
          p0[i] = round(DType.FLOAT32, p0[i] * scales[i % scales.length]);
        }
        Buffer p = put(DType.FLOAT32, p0);
        Buffer copy = poisoned(copyType, n);
        Buffer first = put(DType.FLOAT32, new double[n]);
        Buffer second = put(DType.FLOAT32, new double[n]);
        for (int step = 1; step <= STEPS; step++) {
          double[] g = values(DType.FLOAT32, n, -1, 1);
          for (int i = 0; i < n; i++) {
            g[i] = round(DType.FLOAT32, g[i] * scales[i % scales.length]);
          }
          Buffer gb = put(DType.FLOAT32, g);
          switch (optimizer) {
            case "sgd" -> backend.sgdStep(p, copy, gb, null, 1e-3, 0, 0, 0.01, false, false);
            case "sgd-nesterov" -> backend.sgdStep(p, copy, gb, first, 1e-3, 0.9, 0, 0, true, step == 1);
            default -> backend.adamStep(p, copy, gb, first, second, 1e-6, 0.9, 0.999, 1e-8, 0.05,
                optimizer.equals("adamw"), step);
          }
          float[] master = new float[n];
          backend.download(p, master);
          short[] bits = new short[n];
          backend.download(copy, bits);
          for (int i = 0; i < n; i++) {
            int expected = ReducedFloats.toBits(copyType, master[i]) & 0xFFFF;
            int i0 = i;
            assertEquals(expected, bits[i] & 0xFFFF, () -> optimizer + " n=" + n + " " + copyType.label() + " copy["
                + i0 + "] of " + master[i0]);
          }
        }
      }
    }
  }

  @Test
  void aCopyOfTheWrongLengthIsRefusedNamingIt() {
    assumeSupported(DType.BFLOAT16);
    Buffer p = put(DType.FLOAT32, new double[7]);
    Buffer g = put(DType.FLOAT32, new double[7]);
    Buffer shortCopy = put(DType.BFLOAT16, new double[6]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> backend.sgdStep(p, shortCopy, g, null, 0.1, 0, 0, 0, false, false));
    assertTrue(e.getMessage().contains("paramCopy"), e.getMessage());
  }
}
