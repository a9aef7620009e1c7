package io.jgrad;

/**
 * Which operands of a matrix product are read transposed: {@code x.matmul(w, Transposed.SECOND)} is x·wᵀ. A transpose
 * is a GEMM flag, never a copy.
 */
public enum Transposed {
  NONE(false, false),
  FIRST(true, false),
  SECOND(false, true),
  BOTH(true, true);

  private final boolean first;
  private final boolean second;

  Transposed(boolean first, boolean second) {
    this.first = first;
    this.second = second;
  }

  /** Whether the left operand is read transposed. */
  public boolean first() {
    return first;
  }

  /** Whether the right operand is read transposed. */
  public boolean second() {
    return second;
  }

  /** The value for these two flags. */
  public static Transposed of(boolean first, boolean second) {
    return first ? (second ? BOTH : FIRST) : (second ? SECOND : NONE);
  }

  /** The BLAS letters, "NN", "NT", "TN" or "TT" (T: read transposed). */
  public String letters() {
    return (first ? "T" : "N") + (second ? "T" : "N");
  }

  /** The value for BLAS letters, "NN", "NT", "TN" or "TT". */
  public static Transposed ofLetters(String letters) {
    for (Transposed t : values()) {
      if (t.letters().equals(letters)) {
        return t;
      }
    }
    throw new IllegalArgumentException("transposes: expected NN, NT, TN or TT, got '" + letters + "'");
  }
}
