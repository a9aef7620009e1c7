package io.jgrad.conformance;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.jgrad.Backend;
import io.jgrad.DType;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the CNN families of {@link Backend} ({@link ConvolutionConformance}, {@link PoolingBatchNormConformance}):
 * the backends that do not implement them yet, and the inputs they share. The references enumerate every (output,
 * input, weight) tap of a geometry once and sum over them, a different formulation from the backends' loops. Legend:
 * B = batch, C = channels, O = output channels, G = groups.
 */
public abstract class CnnConformance extends KernelConformance {
  /** Backends that do not implement these families yet, and why (the op table's CNN rows skip them too). */
  static final Map<String, String> NOT_YET = Map.of();

  protected CnnConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @BeforeEach
  void skipWhereNotImplemented() {
    assumeFalse(NOT_YET.containsKey(backend.name()), backend.name() + ": " + NOT_YET.get(backend.name()));
  }

  /** n uniform values in [−1, 1), rounded to dtype. */
  double[] values(DType dtype, int n) {
    return values(dtype, n, -1, 1);
  }
}
