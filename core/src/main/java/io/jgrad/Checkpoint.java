package io.jgrad;

import java.util.function.UnaryOperator;

/**
 * Gradient checkpointing: trades compute for activation memory. The forward runs the segment under {@link NoGrad},
 * keeping only its input (and the random draws it made); backward runs the segment again with gradients on and
 * backpropagates through the recomputation, accumulating into the segment's parameters. The replay draws the same
 * random numbers and runs the same kernels on the same values, so gradients are bit-identical to an uncheckpointed run.
 *
 * <p>Modules with side effects in forward (BatchNorm's running statistics) check {@link #isRecomputing()} so the
 * recompute does not apply them twice.
 */
public final class Checkpoint extends Function {
  private static final ThreadLocal<boolean[]> RECOMPUTING = ThreadLocal.withInitial(() -> new boolean[1]);

  private final UnaryOperator<Tensor> segment;
  private RandomTape tape;
  private Tensor input;
  /** The autocast type the forward ran under (null: off): the recompute must produce the same dtypes and values. */
  private DType autocast;

  private Checkpoint(UnaryOperator<Tensor> segment) {
    this.segment = segment;
  }

  /** segment(x), recording one node that recomputes the segment in backward. */
  public static Tensor apply(UnaryOperator<Tensor> segment, Tensor x) {
    if (!NoGrad.isGradEnabled()) {
      return segment.apply(x);
    }
    Checkpoint f = new Checkpoint(segment);
    f.autocast = Autocast.current();
    Tensor out;
    // The segment's own scope frees its intermediate activations now, not when the caller's step ends: that is the
    // memory checkpointing exists to save.
    try (NoGrad ignored = NoGrad.enter(); RandomTape tape = RandomTape.record(); Scope scope = Scope.open()) {
      out = scope.keep(segment.apply(x));
      f.tape = tape;
    }
    // Recorded even when x needs no gradient: the parameters inside the segment do.
    f.input = f.save(x);
    return f.connect(out, x);
  }

  /** True while a checkpoint's backward is re-running its segment on this thread. */
  public static boolean isRecomputing() {
    return RECOMPUTING.get()[0];
  }

  @Override
  protected Tensor[] backward(Tensor gradOut) {
    Tensor x = input.detach();
    if (needsGrad(0)) {
      x.requiresGrad(true);
    }
    boolean[] recomputing = RECOMPUTING.get();
    boolean outer = recomputing[0];
    recomputing[0] = true;
    try (NoGrad ignored = NoGrad.enableGrad();
        Autocast precision = Autocast.restore(autocast);
        RandomTape replay = tape.replay();
        Scope scope = Scope.open()) {
      Tensor y = segment.apply(x);
      if (y.requiresGrad()) {
        y.backward(gradOut, false);
      }
    } finally {
      recomputing[0] = outer;
    }
    Tensor dx = x.takeGrad(); // closing x would free its gradient
    x.close();
    return new Tensor[] {dx};
  }
}
