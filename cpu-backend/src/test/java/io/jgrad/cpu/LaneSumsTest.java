package io.jgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.testing.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * Lane sums, and the kernels built on them, give the same bits interpreted and compiled: {@link LaneSums#sum} equals
 * its scalar tree after C2 has compiled it, and a child JVM that only interprets (-Xint, the Vector API's Java
 * fallback) computes the very same lane sums and sums of squares as this, warmed-up, JVM. On Temurin 25 the
 * {@code reduceLanes(ADD)} these replaced gave 39 of 50 sums of squares different bits once compiled.
 */
class LaneSumsTest {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int VECTORS = 500;
  /** Where the warm-up's results go, so that C2 cannot drop the calls. */
  private static volatile float sink;

  private static float[][] vectors() {
    SplittableRandom random = new SplittableRandom(3);
    float[][] v = new float[VECTORS][F.length()];
    for (float[] lanes : v) {
      for (int i = 0; i < lanes.length; i++) {
        lanes[i] = (float) (random.nextGaussian() * Math.exp(3 * random.nextGaussian()));
      }
    }
    return v;
  }

  private static float[][] gradients() {
    SplittableRandom random = new SplittableRandom(4);
    float[][] g = new float[6][5000 + 3];
    for (float[] x : g) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (random.nextGaussian() * 0.01);
      }
    }
    return g;
  }

  /** Every lane sum and sum of squares, as bit patterns, one per line. */
  private static List<String> results() {
    List<String> out = new ArrayList<>();
    out.add("lanes " + F.length());
    for (float[] lanes : vectors()) {
      out.add(Integer.toHexString(Float.floatToRawIntBits(LaneSums.sum(FloatVector.fromArray(F, lanes, 0)))));
    }
    try (VectorKernels kernels = new VectorKernels(1)) {
      for (float[] x : gradients()) {
        out.add(Long.toHexString(Double.doubleToRawLongBits(kernels.sumOfSquares(x, x.length))));
      }
    }
    return out;
  }

  private static void warmUp() {
    float[][] v = vectors();
    float sum = 0;
    for (int k = 0; k < 200_000; k++) {
      sum += LaneSums.sum(FloatVector.fromArray(F, v[k % v.length], 0));
    }
    try (VectorKernels kernels = new VectorKernels(1)) {
      float[] x = gradients()[0];
      for (int k = 0; k < 20_000; k++) {
        sum += (float) kernels.sumOfSquares(x, 64);
      }
    }
    sink = sum;
  }

  @Test
  void compiledSumsAreTheScalarTreesSums() {
    warmUp();
    for (float[] lanes : vectors()) {
      assertEquals(Float.floatToRawIntBits(LaneSums.reference(lanes)),
          Float.floatToRawIntBits(LaneSums.sum(FloatVector.fromArray(F, lanes, 0))));
    }
  }

  /**
   * The sum of squares is its block model bit for bit: per block of 1,024 a chain of fused multiply-adds in each lane,
   * the lanes' tree sum, the blocks then the tail's squares added in double in order; at lengths around the blocks'
   * edges and the recipe's largest gradient, after C2 has compiled the kernel. (Double sums of these squares are
   * exact whatever their order, so it is the float chains whose bits this pins.)
   */
  @Test
  void sumsOfSquaresAreTheirBlockModel() {
    warmUp();
    SplittableRandom random = new SplittableRandom(5);
    int lanes = F.length();
    try (VectorKernels kernels = new VectorKernels(1)) {
      for (int n : new int[] {0, 5, 1024, 3 * 1024 + 7, 4 * 1024, 4 * 1024 + 1, 9 * 1024 + 100, 512 * 784}) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
          x[i] = (float) (random.nextGaussian() * Math.exp(2 * random.nextGaussian()));
        }
        double expected = 0;
        for (int from = 0; from < n; from += 1024) {
          int to = Math.min(n, from + 1024);
          int whole = from + (to - from) / lanes * lanes;
          float[] acc = new float[lanes];
          for (int i = from; i < whole; i++) {
            acc[(i - from) % lanes] = Math.fma(x[i], x[i], acc[(i - from) % lanes]);
          }
          expected += LaneSums.reference(acc);
          for (int i = whole; i < to; i++) {
            expected += (double) x[i] * x[i];
          }
        }
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(kernels.sumOfSquares(x, n)),
            "n = " + n);
      }
    }
  }

  @Test
  void anInterpretingJvmComputesTheSameBits() throws Exception {
    warmUp();
    String out = ChildJvm.run(Duration.ofSeconds(120), List.of("-Xint", "--add-modules", "jdk.incubator.vector"),
        LaneSumsTest.class).out();
    assertEquals(results(), out.strip().lines().toList(), "interpreted (child) against compiled (this JVM)");
  }

  /** The child JVM's side: prints {@link #results()}. */
  public static void main(String[] args) {
    results().forEach(System.out::println);
  }
}
