package io.jgrad.spi;

/**
 * Reductions along one axis. ARGMAX writes the index of the first maximum as a float value. As torch.max, a NaN beats
 * every number: MAX of a row holding one is NaN, and ARGMAX is the first NaN's index.
 */
public enum ReduceOp {
  SUM,
  MEAN,
  MAX,
  ARGMAX
}
