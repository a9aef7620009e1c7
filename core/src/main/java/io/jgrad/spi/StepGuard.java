package io.jgrad.spi;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.UnaryOp;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The non-finite guard of a training step, decided where the gradients live (see {@link Backend#stepGuard}): one
 * FLOAT32 buffer, "the guard state", holds this step's decision (apply the update or skip it, and the clipping
 * factor), which the optimizer kernels ({@link Backend#adamSteps}, {@link Backend#sgdSteps}) read, and what the host
 * reads only once per progress refresh: the loss summed over the steps since the last reset, the steps skipped, the
 * last bad step, and each layer's squared gradient norm (last applied step, smallest, largest). On a GPU a step then
 * needs no read-back at all.
 *
 * <p>This class is the layout (offsets into the buffer, each a count of floats) and the reference implementation,
 * {@link #apply}, which every backend's kernel must follow. Counts are stored as floats: exact up to 2^24 (16.7
 * million steps; past that, Adam's bias corrections are 1 in float anyway).
 */
public final class StepGuard {
  /** 1 when this step's update is applied, 0 when it is skipped (non-finite, or the run has stopped). */
  public static final int APPLY = 0;
  /**
   * The factor the gradients are multiplied by before the update: maxNorm/(norm + 1e-6) when clipped, else 1; over
   * the loss scale S under {@link LossScaling}.
   */
  public static final int SCALE = 1;
  /** Optimizer steps applied in all: Adam's 1-based step count t of the update that {@link #APPLY} allows. */
  public static final int APPLIED_STEPS = 2;
  /** Σ loss·examples over the steps since the last reset, as a float pair (high + low) so that it keeps 48 bits. */
  public static final int LOSS_SUM = 3;
  public static final int LOSS_SUM_LOW = 4;
  /** The last step's loss. */
  public static final int LAST_LOSS = 5;
  /** Steps skipped since the last reset. */
  public static final int SKIPPED = 6;
  /** Steps skipped in a row (not reset: a run of skips may span two reads). */
  public static final int SKIPPED_IN_A_ROW = 7;
  /** 1 once the run must stop (a skip under the STOP policy, or too many in a row): later steps are not applied. */
  public static final int STOPPED = 8;
  /** The optimizer step number (1-based) the last skipped step would have had, −1 when none since the reset. */
  public static final int BAD_STEP = 9;
  /** The last skipped step's loss. */
  public static final int BAD_LOSS = 10;
  /**
   * Dynamic loss scaling (fp16; see {@link LossScaling}): the scale S the next backward's loss is multiplied by, a
   * power of two; 0 without loss scaling.
   */
  public static final int LOSS_SCALE = 11;
  /** Steps since S last changed without an overflow: at the growth interval S doubles. */
  public static final int CLEAN_STEPS = 12;
  /**
   * Steps skipped since the last reset because the scaled gradients overflowed with a finite loss: the scaler's
   * business (S halves), counted apart from {@link #SKIPPED}, not in the run of skips, not a warning.
   */
  public static final int OVERFLOWS = 13;
  /** Where the per-layer blocks start. */
  public static final int HEADER = 14;
  /** Squared norms with the clipping threshold: PyTorch's epsilon, so the factor stays finite at norm 0. */
  public static final double NORM_EPS = 1e-6;

  /** Per-layer blocks, each {@code layers} floats, after the header: their order in the buffer. */
  public enum Block {
    /** Σg² of each layer at the last applied step. */
    LAST,
    /** Σg² of each layer at the last skipped step. */
    BAD,
    /** The smallest Σg² of each layer over the applied steps since the reset. */
    MIN,
    /** The largest. */
    MAX;

    /** Offset of layer {@code layer}'s value in a guard of {@code layers} layers. */
    public int at(int layers, int layer) {
      return HEADER + ordinal() * layers + layer;
    }
  }

  private StepGuard() {}

  /**
   * Dynamic loss scaling decided with the guard (PyTorch's GradScaler on the device): the gradients the sums measure
   * were computed from loss·S, S = state[{@link #LOSS_SCALE}]. The decision then divides by S (norms, clipping; the
   * optimizer's factor is the clipping factor over S), skips a step whose scaled gradients overflowed with a finite loss
   * and halves S, and doubles S after {@code growthInterval} clean steps; the new S is also written to {@code scale}
   * (one float), the tensor the next step's loss is multiplied by.
   */
  public record LossScaling(Buffer scale, int growthInterval) {
    public LossScaling {
      if (growthInterval < 1) {
        throw new IllegalArgumentException("stepGuard: the growth interval must be >= 1, got " + growthInterval);
      }
    }
  }

  /** GradScaler's factors: ×0.5 on an overflow, ×2 after the growth interval's clean steps. */
  public static final double BACKOFF = 0.5;
  public static final double GROWTH = 2;

  /** Floats in the guard state of a model with {@code layers} layers. */
  public static int length(int layers) {
    return HEADER + Block.values().length * layers;
  }

  /** A fresh state: no step applied beyond {@code appliedSteps}, nothing skipped, sums empty. */
  public static float[] initial(int layers, long appliedSteps) {
    float[] state = new float[length(layers)];
    state[APPLIED_STEPS] = appliedSteps;
    state[SCALE] = 1;
    reset(state, layers);
    return state;
  }

  /**
   * Starts a new window in a state read from the device: the loss sum, the skipped count, the last bad step and the
   * smallest and largest norms are cleared; the step count, the run of skips, the stop flag and the last norms stay.
   */
  public static void reset(float[] state, int layers) {
    state[LOSS_SUM] = 0;
    state[LOSS_SUM_LOW] = 0;
    state[SKIPPED] = 0;
    state[OVERFLOWS] = 0;
    state[BAD_STEP] = -1;
    state[BAD_LOSS] = 0;
    for (int l = 0; l < layers; l++) {
      state[Block.MIN.at(layers, l)] = Float.POSITIVE_INFINITY;
      state[Block.MAX.at(layers, l)] = Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * The reference of {@link Backend#stepGuard}: one step's decision from each gradient's Σg² ({@code sums}, gradient p
   * in layer {@code layerOf[p]}) and the step's loss. A step is applied when the loss and every sum are finite and the
   * run has not stopped; it is skipped otherwise, and {@code maxSkippedInARow} skips in a row stop the run (1: the
   * first skip stops it). The loss is added to the sum either way, as a host loop adds every step's loss.
   *
   * @param maxNorm clip the gradients to this global L2 norm (0: no clipping)
   */
  public static void apply(
      float[] state, double[] sums, int[] layerOf, int layers, double loss, int examples, double maxNorm,
      int maxSkippedInARow) {
    apply(state, sums, layerOf, layers, loss, examples, maxNorm, maxSkippedInARow, 0);
  }

  /**
   * {@link #apply} with dynamic loss scaling when {@code growthInterval} &gt; 0 (see {@link LossScaling}): the sums are
   * of gradients scaled by S = state[{@link #LOSS_SCALE}]. A finite loss with a non-finite sum is an overflow: the step
   * is skipped (counted in {@link #OVERFLOWS} only) and S halves. Any other step counts as clean for S, a bad one too
   * (as {@code GradScaler.update(false)} counts it), and the growth interval's clean steps double S. Norms and the
   * clipping threshold apply to the true gradients: sums / S²; {@link #SCALE} is the clipping factor / S.
   */
  public static void apply(
      float[] state, double[] sums, int[] layerOf, int layers, double loss, int examples, double maxNorm,
      int maxSkippedInARow, int growthInterval) {
    boolean scaling = growthInterval > 0;
    double lossScale = scaling ? state[LOSS_SCALE] : 1;
    double total = (double) state[LOSS_SUM] + state[LOSS_SUM_LOW] + loss * examples;
    state[LOSS_SUM] = (float) total;
    state[LOSS_SUM_LOW] = (float) (total - (float) total);
    state[LAST_LOSS] = (float) loss;
    double[] layerSquares = new double[layers];
    boolean finite = Double.isFinite(loss);
    for (int p = 0; p < sums.length; p++) {
      layerSquares[layerOf[p]] += sums[p];
      finite &= Double.isFinite(sums[p]);
    }
    double unscale = 1 / (lossScale * lossScale); // S is a power of two: exact
    for (int l = 0; l < layers; l++) {
      layerSquares[l] *= unscale;
    }
    state[SCALE] = 1;
    if (state[STOPPED] != 0) {
      state[APPLY] = 0;
      return;
    }
    if (scaling && !finite && Double.isFinite(loss)) {
      state[APPLY] = 0;
      state[OVERFLOWS] += 1;
      state[LOSS_SCALE] = (float) (lossScale * BACKOFF);
      state[CLEAN_STEPS] = 0;
      return;
    }
    if (scaling && ++state[CLEAN_STEPS] == growthInterval) {
      state[LOSS_SCALE] = (float) (lossScale * GROWTH);
      state[CLEAN_STEPS] = 0;
    }
    if (!finite) {
      state[APPLY] = 0;
      state[SKIPPED] += 1;
      state[SKIPPED_IN_A_ROW] += 1;
      state[BAD_STEP] = state[APPLIED_STEPS] + 1;
      state[BAD_LOSS] = (float) loss;
      for (int l = 0; l < layers; l++) {
        state[Block.BAD.at(layers, l)] = (float) layerSquares[l];
      }
      if (state[SKIPPED_IN_A_ROW] >= maxSkippedInARow) {
        state[STOPPED] = 1;
      }
      return;
    }
    state[APPLY] = 1;
    state[APPLIED_STEPS] += 1;
    state[SKIPPED_IN_A_ROW] = 0;
    for (int l = 0; l < layers; l++) {
      float sq = (float) layerSquares[l];
      state[Block.LAST.at(layers, l)] = sq;
      state[Block.MIN.at(layers, l)] = Math.min(state[Block.MIN.at(layers, l)], sq);
      state[Block.MAX.at(layers, l)] = Math.max(state[Block.MAX.at(layers, l)], sq);
    }
    double squares = 0; // by gradient, in order: how a kernel sums them without gathering the layers first
    for (double sum : sums) {
      squares += sum;
    }
    double norm = Math.sqrt(squares) / lossScale;
    float clip = maxNorm > 0 && norm > maxNorm ? (float) (maxNorm / (norm + NORM_EPS)) : 1;
    state[SCALE] = (float) (clip / lossScale);
  }

  /** The guard state's contents (it is small: a read-back of a few hundred bytes). */
  public static float[] read(Backend backend, Buffer state) {
    float[] values = new float[Math.toIntExact(state.length())];
    backend.download(state, values);
    return values;
  }

  /** The argument checks every backend's {@link Backend#stepGuard} makes; names the kernel and the operand at fault. */
  public static void checkGuard(Buffer sums, Buffer layerOf, Buffer loss, int layers, Buffer state) {
    if (layerOf.dtype() != DType.INT32 || layerOf.length() != sums.length()) {
      throw new IllegalArgumentException("stepGuard: layerOf must be int32 of " + sums.length() + " elements (one per"
          + " sum), got " + layerOf.dtype().label() + " of " + layerOf.length());
    }
    if (loss.length() != 1) {
      throw new IllegalArgumentException("stepGuard: loss must hold 1 element, got " + loss.length());
    }
    checkState("stepGuard", state, layers);
  }

  /** The guard state of a {@code layers}-layer model: FLOAT32 of {@link #length}. */
  public static void checkState(String kernel, Buffer state, int layers) {
    if (state.dtype() != DType.FLOAT32 || layers < 0 || state.length() != length(layers)) {
      throw new IllegalArgumentException(kernel + ": the guard state must be float32 of " + length(Math.max(0, layers))
          + " elements (" + layers + " layers), got " + state.dtype().label() + " of " + state.length());
    }
  }

  /** The lists of a multi-tensor optimizer step: one entry per parameter, the same lengths pairwise. */
  public static void checkLists(String kernel, List<Buffer> params, List<?>... others) {
    for (List<?> other : others) {
      if (other != null && other.size() != params.size()) {
        throw new IllegalArgumentException(kernel + ": " + params.size() + " parameters but a list of " + other.size());
      }
    }
  }

  /** Layers of a guard state of this many floats. */
  static int layers(Buffer state) {
    return (int) ((state.length() - HEADER) / Block.values().length);
  }

  // ---- the Backend defaults: existing kernels and host arithmetic, for backends whose read-backs cost nothing ----

  /** {@link Backend#sumsOfSquares}'s default: a product and a sum per buffer. */
  public static void sumsOfSquaresByKernels(Backend backend, List<Buffer> xs, Buffer out) {
    if (out.length() < xs.size()) {
      throw new IllegalArgumentException("sumsOfSquares: out holds " + out.length() + " elements for " + xs.size());
    }
    for (int i = 0; i < xs.size(); i++) {
      Buffer x = xs.get(i);
      Shape shape = Shape.of(Math.toIntExact(x.length()));
      Buffer squares = backend.allocate(x.dtype(), x.length());
      Buffer sum = backend.allocate(x.dtype(), 1);
      try {
        backend.binary(BinaryOp.MUL, x, shape, x, shape, squares, shape);
        backend.reduce(ReduceOp.SUM, squares, 1, Math.toIntExact(x.length()), 1, sum);
        if (sum.dtype() == out.dtype()) {
          backend.copy(sum, 0, out, i, 1);
        } else {
          double[] value = new double[1];
          backend.download(sum, value);
          double[] all = new double[Math.toIntExact(out.length())];
          backend.download(out, all);
          all[i] = value[0];
          backend.upload(out, all);
        }
      } finally {
        backend.free(squares);
        backend.free(sum);
      }
    }
  }

  /** {@link Backend#stepGuard}'s default: reads the operands back and runs {@link #apply}. */
  public static void stepGuardOnTheHost(Backend backend, Buffer sums, Buffer layerOf, Buffer loss, int examples,
      double maxNorm, int maxSkippedInARow, Buffer state, LossScaling scaling) {
    int layers = layers(state);
    checkGuard(sums, layerOf, loss, layers, state);
    double[] s = new double[Math.toIntExact(sums.length())];
    backend.download(sums, s);
    int[] layerIndex = new int[s.length];
    backend.download(layerOf, layerIndex);
    for (int p = 0; p < layerIndex.length; p++) {
      if (layerIndex[p] < 0 || layerIndex[p] >= layers) {
        throw new IllegalArgumentException("stepGuard: layerOf[" + p + "] = " + layerIndex[p] + " is outside [0, "
            + layers + ")");
      }
    }
    double[] l = new double[1];
    backend.download(loss, l);
    float[] values = read(backend, state);
    apply(values, s, layerIndex, layers, l[0], examples, maxNorm, maxSkippedInARow,
        scaling == null ? 0 : scaling.growthInterval());
    backend.upload(state, values);
    if (scaling != null) {
      backend.upload(scaling.scale(), new float[] {values[LOSS_SCALE]});
    }
  }

  /** {@link Backend#sgdSteps}'s default: reads the guard back, then one {@link Backend#sgdStep} each. */
  public static void sgdStepsOnTheHost(Backend backend, List<Buffer> params, List<Buffer> paramCopies,
      List<Buffer> grads, List<Buffer> velocities, double lr, double momentum, double dampening, double weightDecay,
      boolean nesterov, boolean firstStep, Buffer guard) {
    checkLists("sgdSteps", params, paramCopies, grads, velocities);
    float[] g = read(backend, guard);
    if (g[APPLY] == 0) {
      return;
    }
    for (int i = 0; i < params.size(); i++) {
      scale(backend, grads.get(i), g[SCALE]);
      backend.sgdStep(params.get(i), paramCopies == null ? null : paramCopies.get(i), grads.get(i),
          velocities == null ? null : velocities.get(i), lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }
  }

  /** {@link Backend#adamSteps}'s default: reads the guard back, then one {@link Backend#adamStep} each. */
  public static void adamStepsOnTheHost(Backend backend, List<Buffer> params, List<Buffer> paramCopies,
      List<Buffer> grads, List<Buffer> ms, List<Buffer> vs, double lr, double beta1, double beta2, double eps,
      double weightDecay, boolean decoupled, Buffer guard) {
    checkLists("adamSteps", params, paramCopies, grads, ms, vs);
    float[] g = read(backend, guard);
    if (g[APPLY] == 0) {
      return;
    }
    for (int i = 0; i < params.size(); i++) {
      scale(backend, grads.get(i), g[SCALE]);
      backend.adamStep(params.get(i), paramCopies == null ? null : paramCopies.get(i), grads.get(i), ms.get(i),
          vs.get(i), lr, beta1, beta2, eps, weightDecay, decoupled, (long) g[APPLIED_STEPS]);
    }
  }

  /**
   * {@link Backend#emaSteps}'s default, which reads nothing back: the weight times the guard's flag (1 without a guard)
   * in a one-element buffer, then per pair d = value − average, d = d · that weight, average = average + d.
   */
  public static void emaStepsByKernels(Backend backend, List<Buffer> averages, List<Buffer> values, double weight,
      Buffer guard) {
    checkEmaSteps(averages, values, guard);
    Map<DType, Buffer> weights = new EnumMap<>(DType.class);
    try {
      for (int i = 0; i < averages.size(); i++) {
        Buffer average = averages.get(i);
        Buffer w = weights.computeIfAbsent(average.dtype(), dtype -> emaWeight(backend, dtype, weight, guard));
        Shape shape = Shape.of(Math.toIntExact(average.length()));
        Buffer d = backend.allocate(average.dtype(), average.length());
        try {
          backend.binary(BinaryOp.SUB, values.get(i), shape, average, shape, d, shape);
          backend.binary(BinaryOp.MUL, d, shape, w, Shape.of(1), d, shape);
          backend.binary(BinaryOp.ADD, average, shape, d, shape, average, shape);
        } finally {
          backend.free(d);
        }
      }
    } finally {
      weights.values().forEach(backend::free);
    }
  }

  /** weight · guard[APPLY] (weight without a guard) as one element of {@code dtype}. */
  private static Buffer emaWeight(Backend backend, DType dtype, double weight, Buffer guard) {
    Buffer w = backend.allocate(dtype, 1);
    if (guard == null) {
      backend.fill(w, weight);
      return w;
    }
    Buffer flag = dtype == DType.FLOAT32 ? w : backend.allocate(DType.FLOAT32, 1);
    backend.copy(guard, APPLY, flag, 0, 1);
    if (flag != w) {
      backend.cast(flag, w);
      backend.free(flag);
    }
    backend.unary(UnaryOp.MUL_SCALAR, weight, w, w);
    return w;
  }

  /** The argument checks of {@link Backend#emaSteps}: pairs of one floating dtype and length, a float32 guard. */
  public static void checkEmaSteps(List<Buffer> averages, List<Buffer> values, Buffer guard) {
    checkLists("emaSteps", averages, values);
    for (int i = 0; i < averages.size(); i++) {
      Buffer a = averages.get(i);
      Buffer v = values.get(i);
      if (!a.dtype().isFloating() || a.dtype() != v.dtype() || a.length() != v.length()) {
        throw new IllegalArgumentException("emaSteps: pair " + i + " must be one floating dtype and length, got "
            + a.dtype().label() + " of " + a.length() + " and " + v.dtype().label() + " of " + v.length());
      }
    }
    if (guard != null && (guard.dtype() != DType.FLOAT32 || guard.length() < HEADER)) {
      throw new IllegalArgumentException("emaSteps: the guard state must be float32 of at least " + HEADER
          + " elements, got " + guard.dtype().label() + " of " + guard.length());
    }
  }

  /** Clipping in place, the kernel {@code GradClip.byNorm} runs. */
  private static void scale(Backend backend, Buffer grad, float factor) {
    if (factor != 1) {
      backend.unary(UnaryOp.MUL_SCALAR, factor, grad, grad);
    }
  }
}
