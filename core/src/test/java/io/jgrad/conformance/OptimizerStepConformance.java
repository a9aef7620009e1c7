package io.jgrad.conformance;

import io.jgrad.Buffer;
import io.jgrad.DType;
import java.util.Arrays;

/** The fused optimizer steps (SGD with momentum/Nesterov/weight decay, Adam, AdamW) over three steps. */
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
          backend.sgdStep(pb, put(dtype, g), vb, lr, momentum, h[1], h[2], nesterov, step == 1);
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
        backend.adamStep(pb, put(dtype, g), mb, vb, lr, b1, b2, eps, wd, decoupled, step);
        String what = (decoupled ? "adamw" : "adam") + " step " + step;
        tolerance().assertClose(dtype, what + " param", p, get(pb));
        tolerance().assertClose(dtype, what + " m", m, get(mb));
        tolerance().assertClose(dtype, what + " v", v, get(vb));
      }
    }
  }
}
