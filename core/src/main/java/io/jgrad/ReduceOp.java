package io.jgrad;

/** Reductions along one axis. ARGMAX writes the index of the first maximum as a float value. */
public enum ReduceOp {
  SUM,
  MEAN,
  MAX,
  ARGMAX
}
