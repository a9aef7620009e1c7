package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.autograd.NoGrad;
import io.jgrad.check.GradCheck;
import io.jgrad.init.Initializer;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every module's gradients, with respect to its input and every parameter, against central differences in float64:
 * one table of cases, one generic test (as OpGradCheckTest for ops).
 */
class ModuleGradCheckTest extends ReferenceBackendTest {
  /** A module built for the test, the input's shape and value range (kept away from kinks). */
  record ModuleCase(String name, Function<Generator, Module> build, double low, double high, int... inputShape) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Linear linear(Generator gen, int in, int out, boolean bias) {
    return new Linear(backend, DType.FLOAT64, in, out, bias, Initializer.xavierUniform(), gen);
  }

  static ModuleCase fused(Activation act, double low, double high) {
    return new ModuleCase("linear_" + act.op().name().toLowerCase(), g -> new Sequential(linear(g, 3, 4, true), act),
        low, high, 5, 3);
  }

  static List<ModuleCase> cases() {
    return List.of(
        new ModuleCase("linear", g -> linear(g, 3, 4, true), -1, 1, 5, 3),
        new ModuleCase("linear_no_bias", g -> linear(g, 3, 4, false), -1, 1, 5, 3),
        fused(new ReLU(), -1, 1),
        fused(new LeakyReLU(0.1), -1, 1),
        fused(new ELU(0.7), -1, 1),
        fused(new GELU(), -1, 1),
        fused(new Tanh(), -1, 1),
        fused(new Sigmoid(), -1, 1),
        new ModuleCase("relu", g -> new ReLU(), 0.1, 2, 3, 4),
        new ModuleCase("gelu", g -> new GELU(), -2, 2, 3, 4),
        new ModuleCase("linear_no_bias_tanh", g -> new Sequential(linear(g, 3, 2, false), new Tanh()), -1, 1, 4, 3),
        new ModuleCase("dropout", g -> new Replayed(new Dropout(0.4, g), g), -1, 1, 4, 6),
        new ModuleCase("batch_norm_train", g -> withAffine(new BatchNorm1d(backend, DType.FLOAT64, 3), g), -2, 2, 5, 3),
        new ModuleCase("batch_norm_eval", g -> batchNormEval(g), -2, 2, 5, 3),
        new ModuleCase("layer_norm", g -> withAffine(new LayerNorm(backend, DType.FLOAT64, 4), g), -2, 2, 2, 3, 4),
        new ModuleCase("residual", g -> new Residual(new Sequential(linear(g, 3, 3, true), new Tanh())), -1, 1, 4, 3),
        new ModuleCase("flatten_linear", g -> new Sequential(new Flatten(), linear(g, 6, 2, true)), -1, 1, 3, 2, 3),
        new ModuleCase(
            "mlp", g -> new Sequential(linear(g, 3, 5, true), new Tanh(), new LayerNorm(backend, DType.FLOAT64, 5),
                linear(g, 5, 2, true)), -1, 1, 4, 3));
  }

  /** Replaces the norm's ones/zeros so the affine terms' gradients are checked at a generic point. */
  private static Module withAffine(Module norm, Generator gen) {
    for (Parameter p : norm.parameters()) {
      p.set(Tensor.rand(backend, DType.FLOAT64, p.value().shape(), gen, 0.5, 1.5));
    }
    return norm;
  }

  /** A BatchNorm in eval mode whose running statistics came from one training batch. */
  private static Module batchNormEval(Generator gen) {
    Module bn = withAffine(new BatchNorm1d(backend, DType.FLOAT64, 3), gen);
    try (NoGrad ignored = NoGrad.enter()) { // statistics only: record no graph that no backward would free
      bn.forward(Tensor.rand(backend, DType.FLOAT64, Shape.of(6, 3), gen, -3, 3));
    }
    return bn.eval();
  }

  /** Dropout that draws the same mask at every call, as central differences need a deterministic function. */
  private static final class Replayed extends Module {
    private final Module inner;
    private final Generator gen;
    private final long offset;

    Replayed(Module inner, Generator gen) {
      this.inner = registerModule("inner", inner);
      this.gen = gen;
      this.offset = gen.offset();
    }

    @Override
    public Tensor forward(Tensor x) {
      gen.setOffset(offset);
      return inner.forward(x);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientsMatchCentralDifferences(ModuleCase c) {
    Generator gen = new Generator(c.name().hashCode());
    Module m = c.build().apply(gen);
    Tensor x = Tensor.rand(backend, DType.FLOAT64, Shape.of(c.inputShape()), gen, c.low(), c.high());
    List<Tensor> inputs = new ArrayList<>();
    inputs.add(x);
    m.parameters().forEach(p -> inputs.add(p.value()));
    GradCheck.Result r = GradCheck.check(in -> m.forward(in[0]), inputs.toArray(Tensor[]::new));
    assertTrue(r.passed(GradCheck.TOLERANCE), c.name() + ": " + r);
    x.setGrad(null);
    x.close();
    m.close();
  }
}
