package io.jgrad.cuda;

import io.jgrad.UnaryOp;
import io.jgrad.spi.MaskCheck;

/**
 * Launchers of bias_activation.cu: y = act(x + bias) and its backward with dbias, in float32, bf16 or fp16 (every
 * buffer of a call the same), and the same with a dropout mask (y = act(x + bias)·mask; the backward takes dy·mask).
 * Shapes: x, y, dy, dx, mask [R, C]; bias, dbias [C].
 */
final class BiasActivationKernels {
  private final StorageKernels forward;
  private final StorageKernels backward;
  private final StorageKernels maskedForward;
  private final StorageKernels maskedBackward;

  BiasActivationKernels(CudaContext context) {
    forward = new StorageKernels(context, PtxModule.BIAS_ACTIVATION, "bias_activation_forward");
    backward = new StorageKernels(context, PtxModule.BIAS_ACTIVATION, "bias_activation_backward");
    maskedForward = new StorageKernels(context, PtxModule.BIAS_ACTIVATION, "bias_activation_masked_forward");
    maskedBackward = new StorageKernels(context, PtxModule.BIAS_ACTIVATION, "bias_activation_masked_backward");
  }

  void forward(UnaryOp act, double alpha, CudaBuffer x, CudaBuffer bias, CudaBuffer y, int rows, int cols) {
    checkAct("biasActivation", act, rows, cols);
    Check.typed("biasActivation", "x", x, x.dtype(), (long) rows * cols);
    Check.typed("biasActivation", "bias", bias, x.dtype(), cols);
    Check.typed("biasActivation", "y", y, x.dtype(), (long) rows * cols);
    forward.of("biasActivation", x).args().i32(act.ordinal()).f32(alpha).ptr(x.pointer()).ptr(bias.pointer())
        .ptr(y.pointer()).i32(rows).i32(cols).launch(Grid.elementwise((long) rows * cols));
  }

  void backward(
      UnaryOp act, double alpha, CudaBuffer y, CudaBuffer dy, CudaBuffer dx, CudaBuffer dbias, int rows, int cols) {
    checkAct("biasActivationBackward", act, rows, cols);
    Check.typed("biasActivationBackward", "y", y, y.dtype(), (long) rows * cols);
    Check.typed("biasActivationBackward", "dy", dy, y.dtype(), (long) rows * cols);
    Check.typed("biasActivationBackward", "dx", dx, y.dtype(), (long) rows * cols);
    Check.typed("biasActivationBackward", "dbias", dbias, y.dtype(), cols);
    backward.of("biasActivationBackward", y).args().i32(act.ordinal()).f32(alpha).ptr(y.pointer()).ptr(dy.pointer())
        .ptr(dx.pointer()).ptr(dbias.pointer()).i32(rows).i32(cols).launch(Grid.biasColumns(cols));
  }

  void maskedForward(UnaryOp act, double alpha, CudaBuffer x, CudaBuffer bias, CudaBuffer mask, CudaBuffer y, int rows,
      int cols) {
    String kernel = "biasActivationMasked";
    MaskCheck.activation(kernel, act);
    checkAct(kernel, act, rows, cols);
    Check.typed(kernel, "x", x, x.dtype(), (long) rows * cols);
    Check.typed(kernel, "bias", bias, x.dtype(), cols);
    Check.typed(kernel, "mask", mask, x.dtype(), (long) rows * cols);
    Check.typed(kernel, "y", y, x.dtype(), (long) rows * cols);
    maskedForward.of(kernel, x).args().i32(act.ordinal()).f32(alpha).ptr(x.pointer()).ptr(bias.pointer())
        .ptr(mask.pointer()).ptr(y.pointer()).i32(rows).i32(cols).launch(Grid.elementwise((long) rows * cols));
  }

  void maskedBackward(UnaryOp act, double alpha, CudaBuffer y, CudaBuffer mask, CudaBuffer dy, CudaBuffer dx,
      CudaBuffer dbias, int rows, int cols) {
    String kernel = "biasActivationMaskedBackward";
    MaskCheck.activation(kernel, act);
    checkAct(kernel, act, rows, cols);
    Check.typed(kernel, "y", y, y.dtype(), (long) rows * cols);
    Check.typed(kernel, "mask", mask, y.dtype(), (long) rows * cols);
    Check.typed(kernel, "dy", dy, y.dtype(), (long) rows * cols);
    Check.typed(kernel, "dx", dx, y.dtype(), (long) rows * cols);
    Check.typed(kernel, "dbias", dbias, y.dtype(), cols);
    maskedBackward.of(kernel, y).args().i32(act.ordinal()).f32(alpha).ptr(y.pointer()).ptr(mask.pointer())
        .ptr(dy.pointer()).ptr(dx.pointer()).ptr(dbias.pointer()).i32(rows).i32(cols).launch(Grid.biasColumns(cols));
  }

  /** The fused kernel keeps only y, so the activation's gradient must be computable from the output. */
  private static void checkAct(String kernel, UnaryOp act, int rows, int cols) {
    Check.that(
        act.saves() != UnaryOp.Saves.INPUT && act != UnaryOp.DROPOUT_MASK,
        kernel,
        act + " needs its input for the gradient; use bias add and unary instead");
    Check.nonNegative(kernel, "rows", rows);
    Check.nonNegative(kernel, "cols", cols);
  }
}
