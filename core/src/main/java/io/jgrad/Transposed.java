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
}
