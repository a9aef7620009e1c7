package io.jgrad.optim;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;
import io.jgrad.loss.Loss;
import io.jgrad.loss.MseLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Tanh;

/**
 * Regression of y = a·cos(b·x) + x·sin(c·x) − d·tanh(e·x) on x ∈ [−5, 5] in steps of 0.05 (201 points) with a
 * 1-32-32-1 tanh network, full batch, Adam on mean squared error. The curve of `jgrad regression`, here with
 * Xavier-normal weights where the command keeps Linear's default.
 */
final class CurveFitProblem {
  static final double A = 0.19677237;
  static final double B = 0.75164323;
  static final double C = 1.1048082;
  static final double D = 1.61985818;
  static final double E = -0.37817787;
  static final int POINTS = 201;

  private CurveFitProblem() {}

  static double target(double x) {
    return A * Math.cos(B * x) + x * Math.sin(C * x) - D * Math.tanh(E * x);
  }

  static Sequential model(Backend backend, Generator gen) {
    return new Sequential(
        new Linear(backend, DType.FLOAT32, 1, 32, true, Initializer.xavierNormal(), gen), new Tanh(),
        new Linear(backend, DType.FLOAT32, 32, 32, true, Initializer.xavierNormal(), gen), new Tanh(),
        new Linear(backend, DType.FLOAT32, 32, 1, true, Initializer.xavierNormal(), gen));
  }

  /** Trains a fresh model from {@code seed}; returns the final full-batch mean squared error. */
  static double train(Backend backend, long seed, int steps, double lr) {
    float[] xs = new float[POINTS];
    float[] ys = new float[POINTS];
    for (int i = 0; i < POINTS; i++) {
      double x = -5 + 0.05 * i;
      xs[i] = (float) x;
      ys[i] = (float) target(x);
    }
    Sequential model = model(backend, new Generator(seed));
    Loss mse = new MseLoss();
    try (Adam adam = new Adam(model.namedParameters(), lr);
        Scope data = Scope.open()) {
      Tensor x = Tensor.of(backend, xs, POINTS, 1);
      Tensor y = Tensor.of(backend, ys, POINTS, 1);
      for (int step = 0; step < steps; step++) {
        try (Scope ignored = Scope.open()) {
          adam.zeroGrad();
          mse.apply(model.forward(x), y).backward();
          adam.step();
        }
      }
      try (NoGrad noGrad = NoGrad.enter()) {
        return mse.apply(model.forward(x), y).item();
      }
    } finally {
      model.close();
    }
  }
}
