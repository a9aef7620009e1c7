package io.jgrad.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.Backend;
import io.jgrad.Backends;
import io.jgrad.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the op table on the backend under test, forward output and every gradient, against the reference
 * backend ({@code cpu-scalar}) run in float64 on the same inputs (rounded to the dtype under test) and, for modules,
 * the same seeded weights. The reference itself is gradient-checked against central differences (OpGradCheckTest).
 */
public abstract class OpConformance extends KernelConformance {
  private Backend reference;

  protected OpConformance(BackendConformanceTest suite) {
    super(suite);
  }

  @BeforeEach
  void openReference() {
    reference = Backends.create("cpu-scalar");
  }

  @AfterEach
  void closeReference() {
    if (reference != null) {
      reference.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jgrad.conformance.OpCases#all")
  void forwardAndBackwardMatchTheReference(OpCase c) {
    assumeFalse(c.skipOn().containsKey(backend.name()), c.name() + " skipped: " + c.skipOn().get(backend.name()));
    boolean ran = false;
    for (DType dtype : c.dtypes()) {
      if (!backend.supports(dtype)) {
        continue;
      }
      ran = true;
      OpRun expected = OpRun.of(c, reference, DType.FLOAT64, dtype);
      OpRun actual = OpRun.of(c, backend, dtype, dtype);
      String what = c.name() + " on " + backend.name() + " in " + dtype.label();
      c.tolerance().assertClose(dtype, what + ": forward", expected.output(), actual.output());
      assertEquals(expected.grads().length, actual.grads().length, what + ": inputs");
      for (int i = 0; i < expected.grads().length; i++) {
        assertEquals(expected.grads()[i] == null, actual.grads()[i] == null, what + ": has a gradient for input " + i);
        if (expected.grads()[i] != null) {
          c.tolerance().assertClose(dtype, what + ": gradient of input " + i, expected.grads()[i], actual.grads()[i]);
        }
      }
    }
    assumeTrue(ran, backend.name() + " supports none of " + c.dtypes());
  }
}
