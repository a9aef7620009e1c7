package io.jgrad;

import io.jgrad.spi.ReduceOp;

/**
 * softmax and log-softmax along an axis, composed from primitives (their backward comes from the primitives). The
 * row maximum is subtracted first for stability; it is detached because softmax is shift-invariant, so its gradient
 * through the maximum is exactly zero.
 */
final class Softmax {
  private Softmax() {}

  static Tensor softmax(Tensor x, int axis) {
    if (x.dtype().isReduced()) { // softmax stays float32 under autocast
      try (Tensor wide = Autocast.widen(x)) {
        return softmax(wide, axis);
      }
    }
    try (Tensor shifted = shifted(x, axis); Tensor e = shifted.exp(); Tensor s = e.sum(axis, true)) {
      return e.div(s);
    }
  }

  static Tensor logSoftmax(Tensor x, int axis) {
    if (x.dtype().isReduced()) {
      try (Tensor wide = Autocast.widen(x)) {
        return logSoftmax(wide, axis);
      }
    }
    try (Tensor shifted = shifted(x, axis);
        Tensor e = shifted.exp();
        Tensor s = e.sum(axis, true);
        Tensor logSum = s.log()) {
      return shifted.sub(logSum);
    }
  }

  private static Tensor shifted(Tensor x, int axis) {
    try (Tensor m = Broadcast.reduceKeepDim(ReduceOp.MAX, x, x.shape().normalizeAxis(axis))) {
      return x.sub(m);
    }
  }
}
