package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three steps of each optimizer on a two-element parameter with given gradients, against the published update
 * equations (PyTorch's documentation of SGD, Adam and AdamW) evaluated here in plain Java, plus the first steps'
 * values worked out by hand.
 */
class OptimizerStepTest extends ReferenceBackendTest {
  private static final double EXACT = 1e-12;
  private static final double[] P0 = {1.0, -2.0};
  private static final double[][] GRADS = {{0.5, -0.25}, {0.1, 0.4}, {-0.3, 0.2}};
  private static final double LR = 0.1;

  private static Map<String, Parameter> parameter() {
    try (Scope ignored = Scope.detached()) {
      Map<String, Parameter> params = new LinkedHashMap<>();
      params.put("w", new Parameter(Tensor.of(backend, P0.clone(), 2)));
      return params;
    }
  }

  /** Runs the optimizer over GRADS; returns the parameter after each step. */
  private static double[][] run(Optimizer opt) {
    Parameter p = opt.parameters().get("w");
    double[][] trace = new double[GRADS.length][];
    for (int t = 0; t < GRADS.length; t++) {
      try (Scope ignored = Scope.detached()) {
        p.value().setGrad(Tensor.of(backend, GRADS[t].clone(), 2));
      }
      opt.step();
      trace[t] = p.value().toDoubleArray();
    }
    p.close();
    opt.close();
    return trace;
  }

  /** PyTorch's SGD pseudo-code, per element. */
  private static double[][] sgdReference(double momentum, double dampening, double wd, boolean nesterov) {
    double[] p = P0.clone();
    double[] b = new double[2];
    double[][] trace = new double[GRADS.length][];
    for (int t = 0; t < GRADS.length; t++) {
      for (int i = 0; i < 2; i++) {
        double g = GRADS[t][i] + wd * p[i];
        if (momentum != 0) {
          b[i] = t == 0 ? g : momentum * b[i] + (1 - dampening) * g;
          g = nesterov ? g + momentum * b[i] : b[i];
        }
        p[i] -= LR * g;
      }
      trace[t] = p.clone();
    }
    return trace;
  }

  /** PyTorch's Adam/AdamW pseudo-code, per element. */
  private static double[][] adamReference(double b1, double b2, double eps, double wd, boolean decoupled) {
    double[] p = P0.clone();
    double[] m = new double[2];
    double[] v = new double[2];
    double[][] trace = new double[GRADS.length][];
    for (int t = 1; t <= GRADS.length; t++) {
      for (int i = 0; i < 2; i++) {
        double g = GRADS[t - 1][i];
        if (decoupled) {
          p[i] *= 1 - LR * wd;
        } else {
          g += wd * p[i];
        }
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        double mHat = m[i] / (1 - Math.pow(b1, t));
        double vHat = v[i] / (1 - Math.pow(b2, t));
        p[i] -= LR * mHat / (Math.sqrt(vHat) + eps);
      }
      trace[t - 1] = p.clone();
    }
    return trace;
  }

  private static void assertTrace(double[][] expected, double[][] actual) {
    for (int t = 0; t < expected.length; t++) {
      assertArrayEquals(expected[t], actual[t], EXACT, "step " + (t + 1));
    }
  }

  @Test
  void plainSgd() {
    double[][] trace = run(new SGD(parameter(), LR));
    assertArrayEquals(new double[] {0.95, -1.975}, trace[0], EXACT); // p − 0.1·g
    assertTrace(sgdReference(0, 0, 0, false), trace);
  }

  @Test
  void sgdWithMomentumAndDampening() {
    double[][] trace = run(new SGD(parameter(), SgdOptions.learningRate(LR).withMomentum(0.9).withDampening(0.1)));
    // Step 2: v = 0.9·0.5 + 0.9·0.1 = 0.54, p = 0.95 − 0.054.
    assertEquals(0.896, trace[1][0], EXACT);
    assertTrace(sgdReference(0.9, 0.1, 0, false), trace);
  }

  @Test
  void sgdNesterovWithWeightDecay() {
    SgdOptions options = SgdOptions.learningRate(LR).withMomentum(0.9).withWeightDecay(0.01).withNesterov(true);
    double[][] trace = run(new SGD(parameter(), options));
    // Step 1: g = 0.5 + 0.01 = 0.51, v = g, update g + 0.9·v = 0.969, p = 1 − 0.0969.
    assertEquals(0.9031, trace[0][0], EXACT);
    assertTrace(sgdReference(0.9, 0, 0.01, true), trace);
  }

  @Test
  void adam() {
    double[][] trace = run(new Adam(parameter(), LR));
    // Step 1: m̂ = g and v̂ = g², so p −= lr·g/(|g| + eps): a step of lr against the gradient's sign.
    assertArrayEquals(new double[] {1 - LR * 0.5 / (0.5 + 1e-8), -2 + LR * 0.25 / (0.25 + 1e-8)}, trace[0], EXACT);
    assertTrace(adamReference(0.9, 0.999, 1e-8, 0, false), trace);
  }

  @Test
  void adamWithL2WeightDecay() {
    AdamOptions options = AdamOptions.learningRate(LR).withBetas(0.8, 0.99).withEps(1e-6).withWeightDecay(0.1);
    assertTrace(adamReference(0.8, 0.99, 1e-6, 0.1, false), run(new Adam(parameter(), options)));
  }

  @Test
  void adamWDecouplesWeightDecay() {
    double[][] trace = run(new AdamW(parameter(), AdamOptions.learningRate(LR).withWeightDecay(0.1)));
    // Step 1: p·(1 − lr·wd) first, then Adam's ±lr: 1·0.99 − 0.1.
    assertEquals(0.99 - LR * 0.5 / (0.5 + 1e-8), trace[0][0], EXACT);
    assertTrace(adamReference(0.9, 0.999, 1e-8, 0.1, true), trace);
    assertTrace(adamReference(0.9, 0.999, 1e-8, 0.01, true), run(new AdamW(parameter(), LR)));
  }

  @Test
  void stateExportsByNameAndResumesExactly() {
    Map<String, Parameter> params = parameter();
    Adam opt = new Adam(params, LR);
    Parameter p = params.get("w");
    try (Scope ignored = Scope.detached()) {
      p.value().setGrad(Tensor.of(backend, GRADS[0].clone(), 2));
    }
    opt.step();
    assertEquals(Set.of("w.exp_avg", "w.exp_avg_sq"), opt.state().keySet());
    // A fresh optimizer loaded with that state continues as the original would.
    Map<String, Parameter> resumedParams = parameter();
    resumedParams.get("w").set(p.value().copy());
    Adam resumed = new Adam(resumedParams, LR);
    resumed.loadState(opt.state(), opt.steps());
    assertEquals(1, resumed.steps());
    double[][] continued = run(resumed);
    double[][] straight = run(opt);
    assertArrayEquals(straight[0], continued[0], 0); // both took GRADS[0] as their second step: same bits
  }

  @Test
  void loadStateListsEveryMismatch() {
    SGD opt = new SGD(parameter(), SgdOptions.learningRate(LR).withMomentum(0.9));
    try (Scope ignored = Scope.open()) {
      Map<String, Tensor> bad = Map.of(
          "w.momentum_buffer", Tensor.zeros(backend, 3), "v.momentum_buffer", Tensor.zeros(backend, 2),
          "w.exp_avg", Tensor.zeros(backend, 2));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(bad, 1));
      assertTrue(e.getMessage().contains("w.momentum_buffer: shape [3]"), e.getMessage());
      assertTrue(e.getMessage().contains("v.momentum_buffer: no such"), e.getMessage());
      assertTrue(e.getMessage().contains("w.exp_avg: no such"), e.getMessage());
    }
    opt.close();
  }

  @Test
  void rejectsBadHyperparameters() {
    assertThrows(IllegalArgumentException.class, () -> new SGD(parameter(), 0));
    assertThrows(IllegalArgumentException.class, () -> new SGD(parameter(), -1e-3));
    assertThrows(IllegalArgumentException.class, () -> new Adam(parameter(), Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> SgdOptions.learningRate(LR).withNesterov(true));
    assertThrows(IllegalArgumentException.class,
        () -> SgdOptions.learningRate(LR).withMomentum(0.9).withDampening(0.5).withNesterov(true));
    assertThrows(IllegalArgumentException.class, () -> SgdOptions.learningRate(LR).withMomentum(-0.9));
    assertThrows(IllegalArgumentException.class, () -> AdamOptions.learningRate(LR).withBetas(1.0, 0.999));
    assertThrows(IllegalArgumentException.class, () -> AdamOptions.learningRate(LR).withWeightDecay(-0.1));
    assertThrows(IllegalArgumentException.class, () -> new SGD(new LinkedHashMap<>(), LR));
    SGD ok = new SGD(parameter(), LR);
    assertThrows(IllegalArgumentException.class, () -> ok.setLr(0));
  }
}
