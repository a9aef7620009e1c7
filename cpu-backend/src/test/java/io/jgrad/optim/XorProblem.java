package io.jgrad.optim;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;
import io.jgrad.loss.BceWithLogitsLoss;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Sigmoid;

/**
 * XOR, the classic problem no linear model solves: a 2-4-1 network with sigmoid units, trained full batch with Adam on
 * binary cross-entropy (the output sigmoid lives in the loss, for stability). The problem of `jgrad xor`, which
 * trains it differently (SGD with momentum on MSE after an output sigmoid).
 */
final class XorProblem {
  static final float[] INPUTS = {0, 0, 0, 1, 1, 0, 1, 1};
  static final float[] TARGETS = {0, 1, 1, 0};

  private XorProblem() {}

  static Sequential model(Backend backend, Generator gen) {
    return new Sequential(
        new Linear(backend, DType.FLOAT32, 2, 4, true, Initializer.xavierNormal(), gen), new Sigmoid(),
        new Linear(backend, DType.FLOAT32, 4, 1, true, Initializer.xavierNormal(), gen));
  }

  /** Trains a fresh model from {@code seed} and returns its four output probabilities. */
  static float[] train(Backend backend, long seed, int steps, double lr) {
    Sequential model = model(backend, new Generator(seed));
    Loss loss = new BceWithLogitsLoss();
    try (Adam adam = new Adam(model.namedParameters(), lr)) {
      Tensor x;
      Tensor y;
      try (Scope ignored = Scope.detached()) {
        x = Tensor.of(backend, INPUTS, 4, 2);
        y = Tensor.of(backend, TARGETS, 4, 1);
      }
      for (int step = 0; step < steps; step++) {
        try (Scope ignored = Scope.open()) {
          adam.zeroGrad();
          loss.apply(model.forward(x), y).backward();
          adam.step();
        }
      }
      try (Scope ignored = Scope.open();
          NoGrad noGrad = NoGrad.enter()) {
        return model.forward(x).sigmoid().toFloatArray();
      } finally {
        x.close();
        y.close();
        model.close();
      }
    }
  }
}
