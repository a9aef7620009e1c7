package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.UnaryOp;
import io.jgrad.spi.Buffer;
import io.jgrad.spi.ReducedFloats;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of a conformance family: one kernel family of the {@link Backend} SPI checked against float64 computations
 * written in the family's class, on random inputs at odd sizes, with outputs poisoned with NaN beforehand so that an
 * unwritten element fails. Each test gets a fresh backend from the suite and a random generator with a fixed seed.
 */
@ExtendWith(NamesTheSuite.class)
public abstract class KernelConformance {
  /** Odd sizes: a single element, less than a vector, more than a vector, and one short of a power of two. */
  static final int[] SIZES = {1, 7, 33, 1023};

  static final long SEED = 0x5EED_1234_ABCD_0042L;

  final BackendConformanceTest suite;
  Backend backend;
  Random rng;

  protected KernelConformance(BackendConformanceTest suite) {
    this.suite = suite;
  }

  @BeforeEach
  void openBackend() {
    backend = suite.createBackend();
    rng = new Random(SEED);
  }

  @AfterEach
  void closeBackend() {
    if (backend != null) { // null when createBackend() threw: let its exception be the one reported
      backend.close();
    }
  }

  Tolerance tolerance() {
    return suite.tolerance();
  }

  void assumeSupported(DType dtype) {
    assumeTrue(backend.supports(dtype), backend.name() + " does not support " + dtype.label());
  }

  static UnaryCase tableRow(UnaryOp op) {
    UnaryCase row = OpCases.unary(op);
    assertNotNull(row, "OpCases has no unary row for " + op);
    return row;
  }

  /** n uniform values in [low, high), rounded to dtype so the reference sees exactly what the backend sees. */
  double[] values(DType dtype, int n, double low, double high) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = low + (high - low) * rng.nextDouble();
    }
    return round(dtype, v);
  }

  /** Like {@link #values} with every value at least 1e-3 from each kink. */
  double[] awayFromKinks(DType dtype, int n, double low, double high, double[] kinks) {
    double[] v = values(dtype, n, low, high);
    for (int i = 0; i < n; i++) {
      while (nearKink(v[i], kinks)) {
        v[i] = round(dtype, low + (high - low) * rng.nextDouble());
      }
    }
    return v;
  }

  static boolean nearKink(double x, double[] kinks) {
    for (double k : kinks) {
      if (Math.abs(x - k) < 1e-3) {
        return true;
      }
    }
    return false;
  }

  static double round(DType dtype, double v) {
    return ReducedFloats.round(dtype, v);
  }

  static double[] round(DType dtype, double[] v) {
    return map(v, x -> round(dtype, x));
  }

  static double[] map(double[] v, DoubleUnaryOperator f) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = f.applyAsDouble(v[i]);
    }
    return out;
  }

  static double[] filled(int n, double value) {
    double[] v = new double[n];
    Arrays.fill(v, value);
    return v;
  }

  Buffer put(DType dtype, double[] v) {
    Buffer b = backend.allocate(dtype, v.length);
    if (dtype == DType.FLOAT32) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      backend.upload(b, f);
    } else {
      backend.upload(b, v);
    }
    return b;
  }

  /** An output buffer full of NaN: an element the kernel forgets to write stays NaN and fails the comparison. */
  Buffer poisoned(DType dtype, int n) {
    return put(dtype, filled(n, Double.NaN));
  }

  double[] get(Buffer b) {
    double[] out = new double[(int) b.length()];
    if (b.dtype() == DType.FLOAT32) {
      float[] f = new float[out.length];
      backend.download(b, f);
      for (int i = 0; i < f.length; i++) {
        out[i] = f[i];
      }
    } else {
      backend.download(b, out);
    }
    return out;
  }
}
