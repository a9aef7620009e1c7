package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.loss.MseLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Sigmoid;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.SgdOptions;
import io.jgrad.tools.JsonLine;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jgrad xor}: the 2-4-1 sigmoid network learns exclusive-or, the classic seed walkthrough. */
@Command(name = "xor", mixinStandardHelpOptions = true, description = "Train a 2-4-1 sigmoid network on XOR.")
final class XorCommand implements Callable<Integer> {
  static final float[] INPUTS = {0, 0, 0, 1, 1, 0, 1, 1};
  static final float[] TARGETS = {0, 1, 1, 0};

  @Option(names = "--steps", defaultValue = "2000")
  int steps;

  @Option(names = "--lr", defaultValue = "2.0")
  double lr;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--backend", defaultValue = "cpu-scalar")
  String backendName;

  @Override
  public Integer call() {
    OptionChecks.atLeast("--steps", steps, 0);
    OptionChecks.finitePositive("--lr", lr);
    try (Backend backend = Backends.create(backendName, BackendOptions.defaults().withThreads(1))) {
      float[] out = train(backend, steps, lr, seed);
      boolean solved = true;
      for (int i = 0; i < 4; i++) {
        System.out.printf(Locale.ROOT, "xor(%d, %d) = %.4f%n", (int) INPUTS[2 * i], (int) INPUTS[2 * i + 1], out[i]);
        solved &= (out[i] > 0.5) == (TARGETS[i] > 0.5);
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("event", "summary");
      s.put("problem", "xor");
      s.put("steps", steps);
      s.put("solved", solved);
      System.out.println(JsonLine.of(s));
      return solved ? 0 : 2;
    }
  }

  /** Full-batch SGD with MSE on the four points; returns the trained network's four outputs. */
  static float[] train(Backend backend, int steps, double lr, long seed) {
    Generator gen = new Generator(seed);
    Sequential net = new Sequential(new Linear(backend, 2, 4, gen), new Sigmoid(), new Linear(backend, 4, 1, gen),
        new Sigmoid());
    try (Tensor x = Tensor.of(backend, INPUTS, 4, 2);
        Tensor y = Tensor.of(backend, TARGETS, 4, 1);
        Optimizer opt = new SGD(net.namedParameters(), SgdOptions.learningRate(lr).withMomentum(0.9))) {
      MseLoss mse = new MseLoss();
      for (int i = 0; i < steps; i++) {
        try (Scope ignored = Scope.open()) {
          Tensor loss = mse.apply(net.forward(x), y);
          opt.zeroGrad();
          loss.backward();
          opt.step();
        }
      }
      try (Scope ignored = Scope.open(); NoGrad ng = NoGrad.enter()) {
        return net.forward(x).toFloatArray();
      } finally {
        net.close();
      }
    }
  }
}
