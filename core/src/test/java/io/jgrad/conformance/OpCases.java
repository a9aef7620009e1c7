package io.jgrad.conformance;

import io.jgrad.Backend;
import io.jgrad.Checkpoint;
import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.DirectOps;
import io.jgrad.Functional;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.Transposed;
import io.jgrad.UnaryOp;
import io.jgrad.Window2d;
import io.jgrad.init.Initializer;
import io.jgrad.nn.Activation;
import io.jgrad.nn.AdaptiveAvgPool2d;
import io.jgrad.nn.AvgPool2d;
import io.jgrad.nn.BasicBlock;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.ELU;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.GELU;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.LeakyReLU;
import io.jgrad.nn.Linear;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Residual;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Sigmoid;
import io.jgrad.nn.Tanh;
import io.jgrad.spi.BatchNormStatistics;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * The op table: every op (one row per {@link UnaryOp}, then the other ops and compositions with broadcasting and
 * fan-out) and every module. It drives the float64 gradient check on the reference backend (OpGradCheckTest) and the
 * forward + backward comparison with the reference on every backend ({@link OpConformance}). An op class (a concrete
 * {@code io.jgrad.Function} of that package) that no row reaches, or a {@code UnaryOp} without a row, fails a test. Unary references are written
 * from x, in a different form from the backends' (which use the saved output), so a shared mistake is unlikely.
 */
public final class OpCases {
  private static final double[] NO_KINKS = {};
  private static final double[] AT_ZERO = {0.0};
  private static final double SLOPE = 0.1;
  private static final double CLAMP_LIMIT = 0.5;
  private static final double EXPONENT = 2.5;
  private static final double DROP_P = 0.25;
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private static final Map<UnaryOp, UnaryCase> UNARY = new EnumMap<>(UnaryOp.class);
  private static final List<OpCase> ALL = new ArrayList<>();

  static {
    unary(UnaryOp.NEG, 0, -3, 3, NO_KINKS, x -> -x, x -> -1);
    narrow(unary(UnaryOp.EXP, 0, -5, 5, NO_KINKS, Math::exp, Math::exp), -2, 2);
    unary(UnaryOp.LOG, 0, 0.05, 10, NO_KINKS, Math::log, x -> 1 / x);
    unary(UnaryOp.SQRT, 0, 0.05, 10, NO_KINKS, Math::sqrt, x -> 1 / (2 * Math.sqrt(x)));
    unary(UnaryOp.ABS, 0, -3, 3, AT_ZERO, Math::abs, x -> x > 0 ? 1 : -1);
    unary(UnaryOp.RELU, 0, -3, 3, AT_ZERO, x -> x > 0 ? x : 0, x -> x > 0 ? 1 : 0);
    unary(UnaryOp.LEAKY_RELU, SLOPE, -3, 3, AT_ZERO, x -> x > 0 ? x : SLOPE * x, x -> x > 0 ? 1 : SLOPE);
    unary(UnaryOp.ELU, 1.5, -3, 3, AT_ZERO, x -> x > 0 ? x : 1.5 * Math.expm1(x), x -> x > 0 ? 1 : 1.5 * Math.exp(x));
    unary(UnaryOp.SIGMOID, 0, -8, 8, NO_KINKS, x -> Math.exp(x) / (1 + Math.exp(x)), OpCases::sigmoidDerivative);
    unary(UnaryOp.TANH, 0, -4, 4, NO_KINKS, x -> Math.sinh(x) / Math.cosh(x), x -> 1 / (Math.cosh(x) * Math.cosh(x)));
    narrow(unary(UnaryOp.GELU, 0, -4, 4, NO_KINKS, OpCases::gelu, OpCases::geluDerivative), -3, 3);
    unary(UnaryOp.ADD_SCALAR, 1.25, -3, 3, NO_KINKS, x -> x + 1.25, x -> 1);
    unary(UnaryOp.MUL_SCALAR, -0.75, -3, 3, NO_KINKS, x -> -0.75 * x, x -> -0.75);
    unary(UnaryOp.POW_SCALAR, EXPONENT, 0.05, 3, NO_KINKS, x -> Math.exp(EXPONENT * Math.log(x)),
        x -> EXPONENT * Math.exp((EXPONENT - 1) * Math.log(x)));
    unary(UnaryOp.CLAMP, CLAMP_LIMIT, -2, 2, new double[] {-CLAMP_LIMIT, CLAMP_LIMIT},
        x -> x < -CLAMP_LIMIT ? -CLAMP_LIMIT : x > CLAMP_LIMIT ? CLAMP_LIMIT : x, x -> Math.abs(x) < CLAMP_LIMIT ? 1 : 0);
    unary(UnaryOp.DROPOUT_MASK, DROP_P, 0, 1, new double[] {DROP_P}, x -> x < DROP_P ? 0 : 1 / (1 - DROP_P), null);
    unary(UnaryOp.IDENTITY, 0, -3, 3, NO_KINKS, x -> x, x -> 1);

    // The Tensor methods that name a unary op, with their own arguments.
    op("tensor_unary_methods", x -> x[0].neg().exp().add(x[0].abs().sqrt()).log().mul(-0.75).add(2.5).pow(2.5)
        .leakyRelu(0.1).elu(1.3).sigmoid().tanh().gelu().relu().clamp(1.0), 0.2, 2, new int[] {4, 5});

    op("add", x -> x[0].add(x[1]), -2, 2, new int[] {4, 3}, new int[] {4, 3});
    op("add_broadcast_row", x -> x[0].add(x[1]), -2, 2, new int[] {4, 3}, new int[] {3});
    op("add_broadcast_col", x -> x[0].add(x[1]), -2, 2, new int[] {4, 1}, new int[] {1, 3});
    op("sub_broadcast", x -> x[0].sub(x[1]), -2, 2, new int[] {2, 1, 3}, new int[] {4, 1});
    op("mul_broadcast", x -> x[0].mul(x[1]), -2, 2, new int[] {4, 3}, new int[] {4, 1});
    op("div_broadcast", x -> x[0].div(x[1]), 0.5, 2, new int[] {4, 3}, new int[] {3});
    op("pow", x -> x[0].pow(x[1]), 0.5, 2, new int[] {4, 3}, new int[] {1, 3});
    op("maximum", x -> x[0].maximum(x[1]), -2, 2, new int[] {4, 3}, new int[] {4, 3});
    op("minimum_broadcast", x -> x[0].minimum(x[1]), -2, 2, new int[] {4, 3}, new int[] {3});
    // Mixed floating dtypes run in PyTorch's result type (Promotion), each gradient converted back to its input's type.
    mixed("add_bf16_float32", x -> x[0].to(DType.BFLOAT16).add(x[1]), -2, 2, new int[] {4, 3}, new int[] {3});
    mixed("mul_float32_fp16", x -> x[0].mul(x[1].to(DType.FLOAT16)), -2, 2, new int[] {4, 3}, new int[] {4, 1});
    mixed("div_bf16_fp16", x -> x[0].to(DType.BFLOAT16).div(x[1].to(DType.FLOAT16)), 0.5, 2, new int[] {4, 3},
        new int[] {4, 3});
    mixed("maximum_fp16_float32", x -> x[0].to(DType.FLOAT16).maximum(x[1]), -2, 2, new int[] {4, 3}, new int[] {3});
    op("matmul", x -> x[0].matmul(x[1]), -1, 1, new int[] {3, 4}, new int[] {4, 5});
    op("matmul_nt", x -> x[0].matmul(x[1], Transposed.SECOND), -1, 1, new int[] {3, 4}, new int[] {5, 4});
    op("matmul_tn", x -> x[0].matmul(x[1], Transposed.FIRST), -1, 1, new int[] {4, 3}, new int[] {4, 5});
    op("matmul_tt", x -> x[0].matmul(x[1], Transposed.BOTH), -1, 1, new int[] {4, 3}, new int[] {5, 4});
    op("matmul_batched", x -> x[0].matmul(x[1]), -1, 1, new int[] {2, 3, 4}, new int[] {2, 4, 5});
    op("matmul_batched_shared", x -> x[0].matmul(x[1]), -1, 1, new int[] {2, 3, 4}, new int[] {4, 5});
    op("matmul_shared_batched", x -> x[0].matmul(x[1]), -1, 1, new int[] {3, 4}, new int[] {2, 4, 5});
    op("transpose", x -> x[0].transpose(), -1, 1, new int[] {3, 5});
    // Cast's wiring (its node, the gradient handed back in the input's dtype) at the row's own dtype: a float64
    // central difference cannot see through a rounding to 16 bits; CastTest checks those roundings and gradients.
    op("cast", x -> DirectOps.cast(x[0].mul(x[0]), x[0].dtype()), -1, 1, new int[] {3, 5});
    // Checkpoint is a graph node too: its backward recomputes the segment with grad on and backpropagates through it.
    op("checkpoint", x -> Checkpoint.apply(t -> t.tanh().mul(t), x[0]), -2, 2, new int[] {3, 5});
    op("reshape", x -> x[0].reshape(5, 3).mul(x[0].reshape(5, 3)), -1, 1, new int[] {3, 5});
    op("sum_all", x -> x[0].sum(), -1, 1, new int[] {3, 5});
    op("sum_axis0", x -> x[0].sum(0, false), -1, 1, new int[] {3, 5});
    op("sum_axis1_keepdim", x -> x[0].sum(1, true), -1, 1, new int[] {2, 3, 5});
    op("mean_all", x -> x[0].mean(), -1, 1, new int[] {3, 5});
    op("mean_axis_last", x -> x[0].mean(-1, false), -1, 1, new int[] {3, 5});
    op("max_all", x -> x[0].max(), -1, 1, new int[] {3, 5});
    op("max_axis1", x -> x[0].max(1, false), -1, 1, new int[] {3, 5});
    op("max_axis0_keepdim", x -> x[0].max(0, true), -1, 1, new int[] {3, 5});
    op("softmax", x -> x[0].softmax(1), -2, 2, new int[] {3, 5});
    op("softmax_axis0", x -> x[0].softmax(0), -2, 2, new int[] {3, 5});
    op("log_softmax", x -> x[0].logSoftmax(-1), -2, 2, new int[] {3, 5});
    op("cross_entropy", x -> x[0].crossEntropy(labels(x[0], 3, 5)), -2, 2, new int[] {3, 5});
    op("cross_entropy_smoothed", x -> Functional.crossEntropyPerRow(x[0], labels(x[0], 4, 3), 0.1), -2, 2,
        new int[] {4, 3});
    biasActivation("bias_identity", UnaryOp.IDENTITY, 0, -2, 2);
    biasActivation("bias_relu", UnaryOp.RELU, 0, 0.1, 2);
    biasActivation("bias_tanh", UnaryOp.TANH, 0, -1, 1);
    biasActivation("bias_sigmoid", UnaryOp.SIGMOID, 0, -1, 1);
    biasActivation("bias_elu", UnaryOp.ELU, 1.0, -1, 1);
    biasActivation("bias_leaky", UnaryOp.LEAKY_RELU, 0.01, -1, 1);
    biasActivation("bias_gelu", UnaryOp.GELU, 0, -1, 1);
    maskedBiasActivation("bias_identity_masked", UnaryOp.IDENTITY, 0, -2, 2);
    maskedBiasActivation("bias_relu_masked", UnaryOp.RELU, 0, 0.1, 2);
    maskedBiasActivation("bias_leaky_masked", UnaryOp.LEAKY_RELU, 0.01, -1, 1);
    maskedBiasActivation("bias_tanh_masked", UnaryOp.TANH, 0, -1, 1); // no fused form: epilogue, then the product
    cnn("conv2d", x -> Functional.conv2d(x[0], x[1], x[2], Conv2dOptions.DEFAULTS.padding(1)), new int[] {2, 3, 5, 4},
        new int[] {4, 3, 3, 3}, new int[] {4});
    cnn("conv2d_strided_dilated_grouped", x -> Functional.conv2d(x[0], x[1], null,
        new Conv2dOptions(2, 1, 1, 0, 2, 1, 2)), new int[] {2, 4, 7, 6}, new int[] {6, 2, 3, 2});
    cnn("conv2d_depthwise_1x1_input_only", x -> Functional.conv2d(x[0], constant(x[0], 3, 1, 1, 1), null,
        Conv2dOptions.DEFAULTS.groups(3)), new int[] {2, 3, 3, 4});
    cnn("max_pool2d", x -> Functional.maxPool2d(x[0], Window2d.of(2, 2, 0)), new int[] {2, 3, 4, 6});
    cnn("max_pool2d_padded_overlapping", x -> Functional.maxPool2d(x[0], Window2d.of(3, 2, 1)), new int[] {1, 2, 5, 7});
    cnn("avg_pool2d_padded", x -> Functional.avgPool2d(x[0], Window2d.of(3, 2, 1)), new int[] {2, 2, 5, 6});
    cnn("global_avg_pool2d", x -> Functional.globalAvgPool2d(x[0]), new int[] {2, 3, 4, 5});
    cnn("batch_norm2d_batch_statistics", x -> Functional.batchNorm(x[0], x[1], x[2], null, null,
        BatchNormStatistics.BATCH, 0.1, 1e-5), new int[] {3, 2, 2, 3}, new int[] {2}, new int[] {2});
    cnn("batch_norm2d_running_statistics", x -> Functional.batchNorm(x[0], x[1], x[2], constant(x[0], 2),
        constant(x[0], 2).add(1.0), BatchNormStatistics.RUNNING, 0.1, 1e-5), new int[] {3, 2, 2, 3}, new int[] {2},
        new int[] {2});
    // Batch norm and max pooling as one op: 2×2 windows of stride 2 (the CPU's SIMD form, an odd width leaving a
    // column out), and overlapping padded windows (every backend's default, batchNorm then maxPool2d).
    cnn("batch_norm2d_max_pool2d_batch_statistics", x -> Functional.batchNormMaxPool2d(x[0], x[1], x[2], null, null,
        BatchNormStatistics.BATCH, 0.1, 1e-5, Window2d.of(2, 2, 0)), new int[] {3, 2, 4, 5}, new int[] {2},
        new int[] {2});
    cnn("batch_norm2d_max_pool2d_running_overlapping", x -> Functional.batchNormMaxPool2d(x[0], x[1], x[2],
        constant(x[0], 2), constant(x[0], 2).add(1.0), BatchNormStatistics.RUNNING, 0.1, 1e-5, Window2d.of(3, 2, 1)),
        new int[] {2, 2, 5, 4}, new int[] {2}, new int[] {2});
    // Batch norm, the shortcut's sum and ReLU as one op (a residual block's), without and with the residual.
    cnn("batch_norm2d_relu_batch_statistics", x -> Functional.batchNormRelu(x[0], x[1], x[2], null, null,
        BatchNormStatistics.BATCH, 0.1, 1e-5, null), new int[] {3, 2, 2, 3}, new int[] {2}, new int[] {2});
    cnn("batch_norm2d_add_relu_batch_statistics", x -> Functional.batchNormRelu(x[0], x[1], x[2], null, null,
        BatchNormStatistics.BATCH, 0.1, 1e-5, x[3]), new int[] {3, 2, 2, 3}, new int[] {2}, new int[] {2},
        new int[] {3, 2, 2, 3});
    cnn("batch_norm2d_add_relu_running_statistics", x -> Functional.batchNormRelu(x[0], x[1], x[2],
        constant(x[0], 2), constant(x[0], 2).add(1.0), BatchNormStatistics.RUNNING, 0.1, 1e-5, x[3]),
        new int[] {2, 2, 3, 3}, new int[] {2}, new int[] {2}, new int[] {2, 2, 3, 3});
    // A value used twice gets the sum of both paths.
    op("fan_out", x -> x[0].mul(x[0]).add(x[0].exp()).mul(x[0]), -1, 1, new int[] {3, 4});
    op("mlp_layer", x -> x[0].matmul(x[1]).tanh().sum(1, false).mul(x[0].sum(1, false)), -1, 1, new int[] {3, 4},
        new int[] {4, 2});

    module("linear", (b, d, g) -> linear(b, d, g, 3, 4, true), -1, 1, 5, 3);
    module("linear_no_bias", (b, d, g) -> linear(b, d, g, 3, 4, false), -1, 1, 5, 3);
    linearWith(new ReLU());
    linearWith(new LeakyReLU(0.1));
    linearWith(new ELU(0.7));
    linearWith(new GELU());
    linearWith(new Tanh());
    linearWith(new Sigmoid());
    module("relu_module", (b, d, g) -> new ReLU(), 0.1, 2, 3, 4);
    module("gelu_module", (b, d, g) -> new GELU(), -2, 2, 3, 4);
    module("linear_no_bias_tanh", (b, d, g) -> new Sequential(linear(b, d, g, 3, 2, false), new Tanh()), -1, 1, 4, 3);
    module("dropout", (b, d, g) -> new Replayed(new Dropout(0.4, g), g), -1, 1, 4, 6);
    // Dropout after a Linear (and its activation) runs inside the Linear's epilogue.
    module("linear_dropout", (b, d, g) -> new Replayed(new Sequential(linear(b, d, g, 3, 4, true),
        new Dropout(0.4, g)), g), -1, 1, 5, 3);
    module("linear_relu_dropout", (b, d, g) -> new Replayed(new Sequential(linear(b, d, g, 3, 4, true), new ReLU(),
        new Dropout(0.4, g)), g), -1, 1, 5, 3);
    module("linear_no_bias_relu_dropout", (b, d, g) -> new Replayed(new Sequential(linear(b, d, g, 3, 4, false),
        new ReLU(), new Dropout(0.4, g)), g), -1, 1, 5, 3);
    module("linear_tanh_dropout", (b, d, g) -> new Replayed(new Sequential(linear(b, d, g, 3, 4, true), new Tanh(),
        new Dropout(0.4, g)), g), -1, 1, 5, 3);
    module("batch_norm_train", (b, d, g) -> withAffine(new BatchNorm1d(b, d, 3), b, d, g), -2, 2, 5, 3);
    module("batch_norm_eval", OpCases::batchNormEval, -2, 2, 5, 3);
    module("layer_norm", (b, d, g) -> withAffine(new LayerNorm(b, d, 4), b, d, g), -2, 2, 2, 3, 4);
    module("residual", (b, d, g) -> new Residual(new Sequential(linear(b, d, g, 3, 3, true), new Tanh())), -1, 1, 4,
        3);
    module("flatten_linear", (b, d, g) -> new Sequential(new Flatten(), linear(b, d, g, 6, 2, true)), -1, 1, 3, 2, 3);
    cnnModule("conv2d_module", (b, d, g) -> Conv2d.builder(b, 2, 3, 3).dtype(d)
        .options(Conv2dOptions.DEFAULTS.padding(1)).build(g), 2, 2, 5, 4);
    // 4×3×2×2 rather than 2×3×2×3: with those inputs one weight's gradient (5e-3) lay near the floor where the central
    // difference's rounding noise (ε·|L|/h ≈ 1e-8) alone exceeds 1e-6 of it.
    cnnModule("batch_norm2d_train", (b, d, g) -> withAffine(new BatchNorm2d(b, d, 3), b, d, g), 4, 3, 2, 2);
    cnnModule("batch_norm2d_eval", OpCases::batchNorm2dEval, 2, 3, 2, 3);
    // Sequential runs a BatchNorm2d followed by a MaxPool2d as one op. 2×3×4×6: at 3×3×4×6 one input's gradient missed
    // its central difference by 5.5e-6 (relative), the modules run one by one the same.
    cnnModule("batch_norm2d_max_pool2d_train", (b, d, g) -> new Sequential(withAffine(new BatchNorm2d(b, d, 3), b, d,
        g), new MaxPool2d(2)), 2, 3, 4, 6);
    cnnModule("small_cnn", (b, d, g) -> new Sequential(Conv2d.builder(b, 1, 2, 3).dtype(d).bias(false)
        .options(Conv2dOptions.DEFAULTS.padding(1)).build(g), withAffine(new BatchNorm2d(b, d, 2), b, d, g),
        new ReLU(), new MaxPool2d(2), new AvgPool2d(1), new AdaptiveAvgPool2d(1), new Flatten(),
        linear(b, d, g, 2, 3, true)), 3, 1, 6, 4);
    // In training mode, so the batch norms' statistics are the batch's and their gradients flow through them.
    cnnModule("basic_block", (b, d, g) -> new BasicBlock(b, d, 2, 2, 1, Initializer.torchDefault(), g), 2, 2, 4, 4);
    cnnModule("basic_block_downsample", (b, d, g) -> new BasicBlock(b, d, 2, 3, 2, Initializer.torchDefault(), g), 2,
        2, 5, 5);
    module("mlp", (b, d, g) -> new Sequential(linear(b, d, g, 3, 5, true), new Tanh(), new LayerNorm(b, d, 5),
        linear(b, d, g, 5, 2, true)), -1, 1, 4, 3);
  }

  private OpCases() {}

  /** Every row. */
  public static List<OpCase> all() {
    return List.copyOf(ALL);
  }

  /** The unary row's kernel reference for {@code op}, or null when the table lacks one. */
  public static UnaryCase unary(UnaryOp op) {
    return UNARY.get(op);
  }

  private static OpCase unary(
      UnaryOp op, double alpha, double low, double high, double[] kinks, DoubleUnaryOperator f,
      DoubleUnaryOperator df) {
    UnaryCase ref = new UnaryCase(op, alpha, low, high, kinks, f, df);
    UNARY.put(op, ref);
    OpCase row = OpCase.unary(ref);
    ALL.add(row);
    return row;
  }

  /**
   * Narrows the op row of a unary op to a range whose sum of outputs stays small: a central difference's rounding
   * error grows with the loss's magnitude (ε·|L|/h), which exp(5) or gelu(4) over 35 elements would make too large.
   */
  private static void narrow(OpCase row, double low, double high) {
    ALL.set(ALL.indexOf(row), row.withRange(low, high));
  }

  private static void op(String name, Function<Tensor[], Tensor> f, double low, double high, int[]... shapes) {
    ALL.add(OpCase.op(name, f, low, high, shapes));
  }

  /**
   * A row that converts operands to 16 bits inside: float32 only, since a float64 central difference cannot see
   * through the rounding (OpGradCheckTest skips it; PromotionTest checks these gradients against float64 instead).
   */
  private static void mixed(String name, Function<Tensor[], Tensor> f, double low, double high, int[]... shapes) {
    ALL.add(OpCase.op(name, f, low, high, shapes).withDtypes(DType.FLOAT32));
  }

  /** A row of the convolutional ops, on inputs in [−1, 1), skipped where {@link CnnConformance#NOT_YET} says. */
  private static void cnn(String name, Function<Tensor[], Tensor> f, int[]... shapes) {
    OpCase row = OpCase.op(name, f, -1, 1, shapes);
    for (Map.Entry<String, String> skip : CnnConformance.NOT_YET.entrySet()) {
      row = row.skippedOn(skip.getKey(), skip.getValue());
    }
    ALL.add(row);
  }

  /** A tensor of fixed values in [0.25, 0.75) that needs no gradient, the same on every backend. */
  private static Tensor constant(Tensor like, int... dims) {
    return Tensor.rand(like.backend(), like.dtype(), Shape.of(dims), new Generator(7), 0.25, 0.75);
  }

  private static void biasActivation(String name, UnaryOp act, double alpha, double low, double high) {
    op(name, x -> x[0].biasActivation(x[1], act, alpha), low, high, new int[] {4, 3}, new int[] {3});
  }

  /** act(x + bias)·mask with a fixed dropout mask (p = 0.5: zeros and 2s, the same on every backend). */
  private static void maskedBiasActivation(String name, UnaryOp act, double alpha, double low, double high) {
    op(name, x -> {
      try (Tensor u = Tensor.rand(x[0].backend(), x[0].dtype(), x[0].shape(), new Generator(7), 0, 1);
          Tensor mask = Functional.unary(UnaryOp.DROPOUT_MASK, 0.5, u)) {
        return x[0].biasActivation(x[1], act, alpha, mask);
      }
    }, low, high, new int[] {4, 3}, new int[] {3});
  }

  private static void module(String name, OpCase.ModuleFactory build, double low, double high, int... inputShape) {
    ALL.add(OpCase.module(name, build, low, high, inputShape));
  }

  /** Linear followed by an activation: Sequential runs the pair as the fused bias + activation kernel. */
  private static void linearWith(Activation act) {
    module("linear_" + act.op().name().toLowerCase(),
        (b, d, g) -> new Sequential(linear(b, d, g, 3, 4, true), act), -1, 1, 5, 3);
  }

  private static Linear linear(Backend backend, DType dtype, Generator gen, int in, int out, boolean bias) {
    return new Linear(backend, dtype, in, out, bias, Initializer.xavierUniform(), gen);
  }

  /** Replaces the norm's ones/zeros so the affine terms' gradients are checked at a generic point. */
  private static Module withAffine(Module norm, Backend backend, DType dtype, Generator gen) {
    for (Parameter p : norm.parameters()) {
      p.set(Tensor.rand(backend, dtype, p.value().shape(), gen, 0.5, 1.5));
    }
    return norm;
  }

  /** A module row of the convolutional layers, skipped where {@link CnnConformance#NOT_YET} says. */
  private static void cnnModule(String name, OpCase.ModuleFactory build, int... inputShape) {
    OpCase row = OpCase.module(name, build, -1, 1, inputShape);
    for (Map.Entry<String, String> skip : CnnConformance.NOT_YET.entrySet()) {
      row = row.skippedOn(skip.getKey(), skip.getValue());
    }
    ALL.add(row);
  }

  /** BatchNorm2d in eval mode whose running statistics came from one training batch. */
  private static Module batchNorm2dEval(Backend backend, DType dtype, Generator gen) {
    Module bn = withAffine(new BatchNorm2d(backend, dtype, 3), backend, dtype, gen);
    try (NoGrad ignored = NoGrad.enter()) {
      bn.forward(Tensor.rand(backend, dtype, Shape.of(4, 3, 2, 3), gen, -3, 3));
    }
    return bn.eval();
  }

  /** A BatchNorm in eval mode whose running statistics came from one training batch. */
  private static Module batchNormEval(Backend backend, DType dtype, Generator gen) {
    Module bn = withAffine(new BatchNorm1d(backend, dtype, 3), backend, dtype, gen);
    try (NoGrad ignored = NoGrad.enter()) { // statistics only: record no graph that no backward would free
      bn.forward(Tensor.rand(backend, dtype, Shape.of(6, 3), gen, -3, 3));
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

  private static Tensor labels(Tensor like, int rows, int classes) {
    int[] l = new int[rows];
    for (int i = 0; i < rows; i++) {
      l[i] = (i * 7 + 1) % classes;
    }
    return Tensor.of(like.backend(), l, rows);
  }

  private static double sigmoidDerivative(double x) {
    double e = Math.exp(-x);
    return e / ((1 + e) * (1 + e));
  }

  private static double gelu(double x) {
    return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
  }

  /** d/dx of the tanh-form GELU, via sech² = 1/cosh². */
  private static double geluDerivative(double x) {
    double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
    double du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    return 0.5 * (1 + Math.tanh(u)) + 0.5 * x * du / (Math.cosh(u) * Math.cosh(u));
  }
}
