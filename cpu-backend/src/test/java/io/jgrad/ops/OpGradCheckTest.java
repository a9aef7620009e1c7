package io.jgrad.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.UnaryOp;
import io.jgrad.check.GradCheck;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's analytical gradient against central differences in float64, on random inputs away from kinks, with
 * broadcasting and fan-out: one table of cases (OpInfo style), one generic test.
 */
class OpGradCheckTest extends ReferenceBackendTest {
  /**
   * One case: a function of tensors and the inputs' shapes and value range (kept away from kinks and domain edges).
   *
   * @param unary the UnaryOp this case covers, or null
   */
  record OpCase(String name, UnaryOp unary, Function<Tensor[], Tensor> f, double low, double high, int[]... shapes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static OpCase unary(UnaryOp op, Function<Tensor, Tensor> f, double low, double high) {
    return new OpCase(op.name().toLowerCase(), op, x -> f.apply(x[0]), low, high, new int[] {3, 5});
  }

  static OpCase binary(String name, Function<Tensor[], Tensor> f, double low, double high, int[] a, int[] b) {
    return new OpCase(name, null, f, low, high, a, b);
  }

  static List<OpCase> cases() {
    return List.of(
        unary(UnaryOp.NEG, Tensor::neg, -2, 2),
        unary(UnaryOp.EXP, Tensor::exp, -2, 2),
        unary(UnaryOp.LOG, Tensor::log, 0.5, 3),
        unary(UnaryOp.SQRT, Tensor::sqrt, 0.5, 3),
        unary(UnaryOp.ABS, Tensor::abs, 0.2, 2), // sign is fixed per element below; kinks avoided by range
        unary(UnaryOp.RELU, Tensor::relu, 0.1, 2),
        new OpCase("relu_negative", UnaryOp.RELU, x -> x[0].relu(), -2, -0.1, new int[] {4}),
        unary(UnaryOp.LEAKY_RELU, x -> x.leakyRelu(0.1), -2, 2),
        unary(UnaryOp.ELU, x -> x.elu(1.3), -2, 2),
        unary(UnaryOp.SIGMOID, Tensor::sigmoid, -3, 3),
        unary(UnaryOp.TANH, Tensor::tanh, -2, 2),
        unary(UnaryOp.GELU, Tensor::gelu, -3, 3),
        unary(UnaryOp.ADD_SCALAR, x -> x.add(2.5), -2, 2),
        unary(UnaryOp.MUL_SCALAR, x -> x.mul(-0.75), -2, 2),
        unary(UnaryOp.POW_SCALAR, x -> x.pow(2.5), 0.5, 2),
        unary(UnaryOp.CLAMP, x -> x.clamp(1.0), -0.9, 0.9),
        unary(UnaryOp.IDENTITY, x -> x.biasActivation(zeroBias(x), UnaryOp.IDENTITY, 0), -2, 2),
        binary("add", x -> x[0].add(x[1]), -2, 2, new int[] {4, 3}, new int[] {4, 3}),
        binary("add_broadcast_row", x -> x[0].add(x[1]), -2, 2, new int[] {4, 3}, new int[] {3}),
        binary("add_broadcast_col", x -> x[0].add(x[1]), -2, 2, new int[] {4, 1}, new int[] {1, 3}),
        binary("sub_broadcast", x -> x[0].sub(x[1]), -2, 2, new int[] {2, 1, 3}, new int[] {4, 1}),
        binary("mul_broadcast", x -> x[0].mul(x[1]), -2, 2, new int[] {4, 3}, new int[] {4, 1}),
        binary("div_broadcast", x -> x[0].div(x[1]), 0.5, 2, new int[] {4, 3}, new int[] {3}),
        binary("pow", x -> x[0].pow(x[1]), 0.5, 2, new int[] {4, 3}, new int[] {1, 3}),
        binary("maximum", x -> x[0].maximum(x[1]), -2, 2, new int[] {4, 3}, new int[] {4, 3}),
        binary("minimum_broadcast", x -> x[0].minimum(x[1]), -2, 2, new int[] {4, 3}, new int[] {3}),
        binary("matmul", x -> x[0].matmul(x[1]), -1, 1, new int[] {3, 4}, new int[] {4, 5}),
        binary("matmul_nt", x -> x[0].matmul(false, x[1], true), -1, 1, new int[] {3, 4}, new int[] {5, 4}),
        binary("matmul_tn", x -> x[0].matmul(true, x[1], false), -1, 1, new int[] {4, 3}, new int[] {4, 5}),
        binary("matmul_tt", x -> x[0].matmul(true, x[1], true), -1, 1, new int[] {4, 3}, new int[] {5, 4}),
        binary("matmul_batched", x -> x[0].matmul(x[1]), -1, 1, new int[] {2, 3, 4}, new int[] {2, 4, 5}),
        binary("matmul_batched_shared", x -> x[0].matmul(x[1]), -1, 1, new int[] {2, 3, 4}, new int[] {4, 5}),
        binary("matmul_shared_batched", x -> x[0].matmul(x[1]), -1, 1, new int[] {3, 4}, new int[] {2, 4, 5}),
        new OpCase("transpose", null, x -> x[0].transpose(), -1, 1, new int[] {3, 5}),
        new OpCase("reshape", null, x -> x[0].reshape(5, 3).mul(x[0].reshape(5, 3)), -1, 1, new int[] {3, 5}),
        new OpCase("sum_all", null, x -> x[0].sum(), -1, 1, new int[] {3, 5}),
        new OpCase("sum_axis0", null, x -> x[0].sum(0, false), -1, 1, new int[] {3, 5}),
        new OpCase("sum_axis1_keepdim", null, x -> x[0].sum(1, true), -1, 1, new int[] {2, 3, 5}),
        new OpCase("mean_all", null, x -> x[0].mean(), -1, 1, new int[] {3, 5}),
        new OpCase("mean_axis_last", null, x -> x[0].mean(-1, false), -1, 1, new int[] {3, 5}),
        new OpCase("max_all", null, x -> x[0].max(), -1, 1, new int[] {3, 5}),
        new OpCase("max_axis1", null, x -> x[0].max(1, false), -1, 1, new int[] {3, 5}),
        new OpCase("max_axis0_keepdim", null, x -> x[0].max(0, true), -1, 1, new int[] {3, 5}),
        new OpCase("softmax", null, x -> x[0].softmax(1), -2, 2, new int[] {3, 5}),
        new OpCase("softmax_axis0", null, x -> x[0].softmax(0), -2, 2, new int[] {3, 5}),
        new OpCase("log_softmax", null, x -> x[0].logSoftmax(-1), -2, 2, new int[] {3, 5}),
        new OpCase("cross_entropy", null, x -> x[0].crossEntropy(labels(x[0], 3, 5)), -2, 2, new int[] {3, 5}),
        new OpCase(
            "cross_entropy_smoothed", null,
            x -> SoftmaxCrossEntropy.apply(x[0], labels(x[0], 4, 3), 0.1), -2, 2, new int[] {4, 3}),
        binary("bias_relu", x -> x[0].biasActivation(x[1], UnaryOp.RELU, 0), 0.1, 2, new int[] {4, 3}, new int[] {3}),
        binary("bias_tanh", x -> x[0].biasActivation(x[1], UnaryOp.TANH, 0), -1, 1, new int[] {4, 3}, new int[] {3}),
        binary("bias_sigmoid", x -> x[0].biasActivation(x[1], UnaryOp.SIGMOID, 0), -1, 1, new int[] {4, 3},
            new int[] {3}),
        binary("bias_elu", x -> x[0].biasActivation(x[1], UnaryOp.ELU, 1.0), -1, 1, new int[] {4, 3}, new int[] {3}),
        binary("bias_leaky", x -> x[0].biasActivation(x[1], UnaryOp.LEAKY_RELU, 0.01), -1, 1, new int[] {4, 3},
            new int[] {3}),
        binary("bias_gelu", x -> x[0].biasActivation(x[1], UnaryOp.GELU, 0), -1, 1, new int[] {4, 3}, new int[] {3}),
        // A value used twice gets the sum of both paths.
        new OpCase("fan_out", null, x -> x[0].mul(x[0]).add(x[0].exp()).mul(x[0]), -1, 1, new int[] {3, 4}),
        binary("mlp_layer", x -> x[0].matmul(x[1]).tanh().sum(1, false).mul(x[0].sum(1, false)), -1, 1,
            new int[] {3, 4}, new int[] {4, 2}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesCentralDifferences(OpCase c) {
    Generator gen = new Generator(c.name().hashCode());
    Tensor[] inputs = new Tensor[c.shapes().length];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = Tensor.rand(backend, DType.FLOAT64, Shape.of(c.shapes()[i]), gen, c.low(), c.high());
    }
    if (c.unary() == UnaryOp.ABS) {
      flipSignOfOddElements(inputs[0]);
    }
    GradCheck.Result r = GradCheck.check(c.f(), inputs);
    assertTrue(r.passed(GradCheck.TOLERANCE), c.name() + ": " + r);
    for (Tensor t : inputs) {
      t.setGrad(null);
      t.close();
    }
  }

  /** An op without a gradient-check case fails here (DROPOUT_MASK has no gradient by definition). */
  @Test
  void everyUnaryOpHasACase() {
    Set<UnaryOp> covered = cases().stream().map(OpCase::unary).filter(u -> u != null).collect(Collectors.toSet());
    Set<UnaryOp> missing = EnumSet.allOf(UnaryOp.class);
    missing.removeAll(covered);
    missing.remove(UnaryOp.DROPOUT_MASK);
    assertTrue(missing.isEmpty(), "unary ops without a gradcheck case: " + missing);
  }

  private static Tensor zeroBias(Tensor x) {
    return Tensor.zeros(x.backend(), x.dtype(), Shape.of(x.dim(1)));
  }

  private static Tensor labels(Tensor like, int rows, int classes) {
    int[] l = new int[rows];
    for (int i = 0; i < rows; i++) {
      l[i] = (i * 7 + 1) % classes;
    }
    return Tensor.of(like.backend(), l, rows);
  }

  private static void flipSignOfOddElements(Tensor t) {
    double[] v = t.toDoubleArray();
    for (int i = 1; i < v.length; i += 2) {
      v[i] = -v[i];
    }
    t.backend().upload(t.buffer(), v);
  }
}
