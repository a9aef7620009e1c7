package io.jgrad;

/**
 * Element-wise unary kernels {@code y = f(x; alpha)} and their gradients. Each op says whether its backward reads the
 * forward's input or its output, so an op saves exactly one of them (see {@link Backend#unaryBackward}).
 */
public enum UnaryOp {
  /** y = -x */
  NEG(Saves.NOTHING),
  /** y = exp(x); dy/dx = y */
  EXP(Saves.OUTPUT),
  /** y = log(x); dy/dx = 1/x */
  LOG(Saves.INPUT),
  /** y = sqrt(x); dy/dx = 0.5/y */
  SQRT(Saves.OUTPUT),
  /** y = |x|; dy/dx = sign(x) */
  ABS(Saves.INPUT),
  /** y = max(x, 0); dy/dx = [y &gt; 0] */
  RELU(Saves.OUTPUT),
  /** y = x &gt; 0 ? x : alpha·x (alpha &gt; 0 keeps the sign, so the output decides) */
  LEAKY_RELU(Saves.OUTPUT),
  /** y = x &gt; 0 ? x : alpha·(exp(x) − 1); dy/dx = y &gt; 0 ? 1 : y + alpha */
  ELU(Saves.OUTPUT),
  /** y = 1/(1 + exp(−x)); dy/dx = y(1 − y) */
  SIGMOID(Saves.OUTPUT),
  /** y = tanh(x); dy/dx = 1 − y² */
  TANH(Saves.OUTPUT),
  /** y = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh form */
  GELU(Saves.INPUT),
  /** y = x + alpha */
  ADD_SCALAR(Saves.NOTHING),
  /** y = alpha·x */
  MUL_SCALAR(Saves.NOTHING),
  /** y = x^alpha; dy/dx = alpha·x^(alpha−1) */
  POW_SCALAR(Saves.INPUT),
  /** y = min(max(x, −alpha), alpha) (gradient clipping by value); dy/dx = [|x| &lt; alpha] */
  CLAMP(Saves.INPUT),
  /** y = x ≥ alpha ? 1/(1 − alpha) : 0 — turns uniform [0,1) draws into an inverted-dropout mask. No gradient. */
  DROPOUT_MASK(Saves.NOTHING),
  /** y = x (copy); used as the "no activation" of fused bias+activation. */
  IDENTITY(Saves.NOTHING);

  /** What backward needs from forward. */
  public enum Saves {
    NOTHING,
    INPUT,
    OUTPUT
  }

  private final Saves saves;

  UnaryOp(Saves saves) {
    this.saves = saves;
  }

  public Saves saves() {
    return saves;
  }

  /**
   * Whether a dropout mask can join this activation's fused epilogue and its backward ({@link
   * Backend#biasActivationMasked}): its gradient reads only the output's sign, which a mask of 0 or a positive scale
   * keeps wherever it keeps the element (IDENTITY, RELU, LEAKY_RELU).
   */
  public boolean takesMask() {
    return this == IDENTITY || this == RELU || this == LEAKY_RELU;
  }
}
