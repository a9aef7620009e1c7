package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.init.Initializer;
import io.jgrad.loss.MseLoss;
import io.jgrad.optim.AdamOptions;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.Optimizer;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Frozen parameters and modules: {@link Parameter#requiresGrad(boolean)}, {@link Module#freeze()}. */
class FreezeTest extends ReferenceBackendTest {
  private static final double[] X = {
    0.1, -0.4, 0.9, 1.2, 0.3, -0.7, -1.1, 0.5, 0.2, 0.8, 0.8, -0.3, -0.2, 0.6, 1.5, 0.4, -0.9, 0.0, 1.0, 1.0, -1.0,
    -0.5, 0.7, 0.25
  };
  private static final double[] Y = {0.5, -1.0, 0.3, 0.9, -0.2, 1.4, 0.0, -0.6};
  private static final AdamOptions ADAMW = AdamOptions.learningRate(0.05).withWeightDecay(0.1);

  /** 3-4-1 in float64, the same weights each call. */
  private static Sequential model() {
    Generator gen = new Generator(21);
    return new Sequential(new Linear(backend, DType.FLOAT64, 3, 4, true, Initializer.xavierNormal(), gen), new Tanh(),
        new Linear(backend, DType.FLOAT64, 4, 1, true, Initializer.xavierNormal(), gen));
  }

  private static Tensor x() {
    return Tensor.of(backend, X, 8, 3);
  }

  private static Tensor y() {
    return Tensor.of(backend, Y, 8, 1);
  }

  /**
   * With the first layer frozen, AdamW with weight decay moves the output layer exactly as it moves that layer alone
   * trained on the frozen layer's outputs, and leaves the frozen layer's weights as they were, without state.
   */
  @Test
  void aFrozenLayerLeavesTheRestTrainingAsOnItsOutputs() {
    Sequential frozen = model();
    frozen.get(0).freeze();
    Sequential reference = model();
    Module head = reference.get(2);
    double[] before = frozen.get(0).namedParameters().get("weight").value().toDoubleArray();
    try (Optimizer all = new AdamW(frozen.namedParameters(), ADAMW);
        Optimizer headOnly = new AdamW(head.namedParameters(), ADAMW)) {
      for (int step = 0; step < 5; step++) {
        try (Scope ignored = Scope.open()) {
          all.zeroGrad();
          new MseLoss().apply(frozen.forward(x()), y()).backward();
          all.step();
          Tensor features;
          try (NoGrad off = NoGrad.enter()) {
            features = reference.get(1).forward(reference.get(0).forward(x()));
          }
          headOnly.zeroGrad();
          new MseLoss().apply(head.forward(features), y()).backward();
          headOnly.step();
        }
      }
      for (String name : List.of("weight", "bias")) {
        assertArrayEquals(head.namedParameters().get(name).value().toDoubleArray(),
            frozen.get(2).namedParameters().get(name).value().toDoubleArray(), 1e-15, name);
        assertNull(frozen.get(0).namedParameters().get(name).grad(), name);
      }
      assertArrayEquals(before, frozen.get(0).namedParameters().get("weight").value().toDoubleArray(), 0,
          "no step, no weight decay");
      Sequential start = model();
      assertNotEquals(Arrays.toString(start.get(2).namedParameters().get("weight").value().toDoubleArray()),
          Arrays.toString(frozen.get(2).namedParameters().get("weight").value().toDoubleArray()), "it trained");
      start.close();
      assertTrue(all.state().keySet().stream().allMatch(k -> k.startsWith("2.")), all.state().keySet().toString());
    }
    frozen.close();
    reference.close();
  }

  /**
   * A checkpoint of a run with a frozen layer loads into the same frozen network; into a network that trains that
   * layer, its missing moments are named.
   */
  @Test
  void aFrozenParametersStateIsNotMissing() {
    Sequential trained = model();
    trained.get(0).freeze();
    try (Optimizer opt = new AdamW(trained.namedParameters(), ADAMW)) {
      try (Scope ignored = Scope.open()) {
        new MseLoss().apply(trained.forward(x()), y()).backward();
        opt.step();
      }
      Map<String, Tensor> state = opt.state();
      Sequential again = model();
      again.get(0).freeze();
      try (Optimizer resumed = new AdamW(again.namedParameters(), ADAMW)) {
        resumed.loadState(state, 1);
      }
      Sequential unfrozen = model();
      try (Optimizer other = new AdamW(unfrozen.namedParameters(), ADAMW)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadState(state, 1));
        assertTrue(e.getMessage().contains("missing after 1 steps: 0.weight.exp_avg, 0.weight.exp_avg_sq, "
            + "0.bias.exp_avg"), e.getMessage());
      }
      again.close();
      unfrozen.close();
    }
    trained.close();
  }

  /** requiresGrad(false) drops a gradient already there; loading or moving a value keeps the parameter frozen. */
  @Test
  void aParameterStaysFrozenThroughSetAndTo() {
    Sequential m = model();
    try (Scope ignored = Scope.open()) {
      new MseLoss().apply(m.forward(x()), y()).backward();
    }
    Parameter w = m.namedParameters().get("0.weight");
    assertNotNull(w.grad());
    m.get(0).requiresGrad(false);
    assertNull(w.grad());
    w.set(Tensor.of(backend, new double[12], 4, 3));
    assertFalse(w.requiresGrad());
    assertFalse(w.value().requiresGrad());
    w.to(backend);
    assertFalse(w.requiresGrad());
    m.requiresGrad(true);
    assertTrue(w.requiresGrad());
    m.close();
  }

  /**
   * A frozen batch norm normalises with its running statistics in training mode and leaves them as they were (Keras'
   * trainable=False); requiresGrad(false) alone freezes its affine parameters only, and the statistics move (PyTorch's
   * requires_grad_).
   */
  @Test
  void aFrozenBatchNormKeepsItsRunningStatistics() {
    BatchNorm1d frozen = new BatchNorm1d(backend, DType.FLOAT64, 3);
    BatchNorm1d gradFree = new BatchNorm1d(backend, DType.FLOAT64, 3);
    Sequential net = new Sequential(frozen, new Tanh());
    frozen.freeze();
    gradFree.requiresGrad(false);
    net.train(true);
    assertFalse(frozen.isTraining(), "frozen: evaluation mode whatever the network's");
    assertTrue(net.isTraining());
    assertTrue(gradFree.isTraining());
    try (Scope ignored = Scope.open()) {
      Tensor out = net.forward(x());
      Tensor expected = x().div(Math.sqrt(1 + BatchNorm1d.EPS)).tanh(); // running mean 0, variance 1, γ 1, β 0
      assertArrayEquals(expected.toDoubleArray(), out.toDoubleArray(), 1e-15);
      gradFree.forward(x());
    }
    assertArrayEquals(new double[3], frozen.runningMean().toDoubleArray(), 0);
    assertNotEquals(0, gradFree.runningMean().toDoubleArray()[0]);
    net.close();
    gradFree.close();
  }
}
