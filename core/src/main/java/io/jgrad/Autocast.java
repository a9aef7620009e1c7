package io.jgrad;

/**
 * Mixed precision, scoped like {@link NoGrad}: inside {@code Autocast.enter(DType.BFLOAT16)} (or FLOAT16) the GEMMs
 * of float32 operands (matmul, Linear, its fused bias + activation) run on 16-bit copies of their inputs, accumulate
 * in float32 and give a 16-bit result, so the activations that flow on, and the ones saved for backward, take 16
 * bits. Softmax, cross-entropy, the losses and the norms widen a 16-bit input back to float32 and stay there
 * ({@link #widen}); parameters stay float32 masters, and Linear reads their 16-bit copies, which the optimizer
 * rewrites after each step ({@link io.jgrad.nn.Parameter#valueIn}). Float64 is never touched. Per thread; nests;
 * {@code enter(DType.FLOAT32)} turns it off inside a region. PyTorch's {@code torch.autocast}, for an MLP's ops.
 *
 * <pre>{@code try (Autocast ignored = Autocast.enter(DType.BFLOAT16)) { loss = lossFn.apply(model.forward(x), y); }
 * loss.backward(); }</pre>
 */
public final class Autocast implements AutoCloseable {
  private static final ThreadLocal<DType[]> CURRENT = ThreadLocal.withInitial(() -> new DType[1]);

  private final DType previous;
  private boolean closed;

  private Autocast(DType dtype) {
    DType[] mode = CURRENT.get();
    previous = mode[0];
    mode[0] = dtype;
  }

  /** GEMMs run in {@code dtype} (BFLOAT16 or FLOAT16) until closed; FLOAT32 turns autocast off until closed. */
  public static Autocast enter(DType dtype) {
    if (dtype != DType.FLOAT32 && !dtype.isReduced()) {
      throw new IllegalArgumentException("autocast: runs GEMMs in bfloat16 or float16 (float32: off), not "
          + dtype.label());
    }
    return new Autocast(dtype == DType.FLOAT32 ? null : dtype);
  }

  /** The 16-bit type GEMMs run in on this thread now, or null when autocast is off. */
  public static DType current() {
    return CURRENT.get()[0];
  }

  /** Re-enters the state {@link #current()} returned (null: off): a checkpoint's recompute runs as its forward did. */
  static Autocast restore(DType dtype) {
    return new Autocast(dtype);
  }

  /**
   * The type a GEMM on operands of these dtypes runs in now: the autocast type when it is on and each operand is
   * float32 or already that type; otherwise null (run as given: float64 and autocast off included).
   */
  public static DType gemmType(DType a, DType b) {
    DType low = current();
    if (low == null) {
      return null;
    }
    boolean castable = (a == DType.FLOAT32 || a == low) && (b == DType.FLOAT32 || b == low);
    return castable && (a != low || b != low) ? low : null;
  }

  /** x itself, or x converted to float32 when it is 16-bit: the input of an op that must run in float32. */
  public static Tensor widen(Tensor x) {
    return x.dtype().isReduced() ? x.to(DType.FLOAT32) : x;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      CURRENT.get()[0] = previous;
    }
  }
}
