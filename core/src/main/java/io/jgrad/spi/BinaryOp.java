package io.jgrad.spi;

/** Element-wise binary kernels with NumPy broadcasting. Comparisons return 1 or 0 in the output's dtype. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  /** max(a, b) */
  MAX,
  /** min(a, b) */
  MIN,
  /** a^b */
  POW,
  /** [a == b] */
  EQ,
  /** [a &gt;= b] */
  GE,
  /** [a &gt; b] */
  GT
}
