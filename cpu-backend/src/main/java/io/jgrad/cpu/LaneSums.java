package io.jgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order, whether the code runs interpreted or compiled: a pairwise
 * tree (lane i plus lane i + L/2, then i + L/4, …) of lane-wise additions, each exact IEEE arithmetic. {@code
 * reduceLanes(ADD)} leaves the order open, and from JDK 21 on C2 adds the lanes in another order than the interpreter
 * and C1 do, so one call gave different bits before and after it was compiled: on Temurin 25 a run's gradient norms,
 * its clipping and so its losses changed from one run to the next.
 */
final class LaneSums {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  /** Lane i ↔ lane i ^ h, for the halvings of a 512-bit vector; null where h is not below L. */
  private static final VectorShuffle<Float> PAIR8 = pairs(8);
  private static final VectorShuffle<Float> PAIR4 = pairs(4);
  private static final VectorShuffle<Float> PAIR2 = pairs(2);
  private static final VectorShuffle<Float> PAIR1 = pairs(1);
  /** The halvings above 8 lanes' distance, for vectors wider than 512 bits. */
  private static final VectorShuffle<?>[] WIDER = widerPairs();

  private LaneSums() {}

  private static VectorShuffle<Float> pairs(int h) {
    return h < L ? VectorShuffle.fromOp(F, i -> i ^ h) : null;
  }

  private static VectorShuffle<?>[] widerPairs() {
    int n = Math.max(0, Integer.numberOfTrailingZeros(L) - 4);
    VectorShuffle<?>[] out = new VectorShuffle<?>[n];
    for (int j = 0; j < n; j++) {
      out[j] = pairs(L >> (j + 1));
    }
    return out;
  }

  /** v's lanes summed as the tree above, in float. */
  @SuppressWarnings("unchecked")
  static float sum(FloatVector v) {
    for (VectorShuffle<?> p : WIDER) {
      v = v.add(v.rearrange((VectorShuffle<Float>) p));
    }
    if (L > 8) {
      v = v.add(v.rearrange(PAIR8));
    }
    if (L > 4) {
      v = v.add(v.rearrange(PAIR4));
    }
    v = v.add(v.rearrange(PAIR2));
    v = v.add(v.rearrange(PAIR1));
    return v.lane(0);
  }

  /** The same sum in scalar code: the reference the tests hold {@link #sum} to. */
  static float reference(float[] lanes) {
    float[] a = lanes.clone();
    for (int h = a.length / 2; h >= 1; h /= 2) {
      float[] b = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        b[i] = a[i] + a[i ^ h];
      }
      a = b;
    }
    return a[0];
  }
}
