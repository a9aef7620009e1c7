package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.nn.Parameter;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradClipTest extends ReferenceBackendTest {
  private static final double EXACT = 1e-12;

  /** Parameters with the given gradients (and one without a gradient, which clipping must skip). */
  private static List<Parameter> withGrads(double[]... grads) {
    try (Scope ignored = Scope.detached()) {
      Parameter[] params = new Parameter[grads.length + 1];
      for (int i = 0; i < grads.length; i++) {
        params[i] = new Parameter(Tensor.of(backend, new double[grads[i].length], grads[i].length));
        params[i].value().setGrad(Tensor.of(backend, grads[i], grads[i].length));
      }
      params[grads.length] = new Parameter(Tensor.of(backend, new double[] {1}, 1));
      return List.of(params);
    }
  }

  @Test
  void byNormScalesAllGradientsByOneFactor() {
    List<Parameter> params = withGrads(new double[] {3, 0}, new double[] {4});
    assertEquals(5, GradClip.byNorm(params, 1), EXACT); // the norm before clipping
    double scale = 1 / (5 + 1e-6);
    assertArrayEquals(new double[] {3 * scale, 0}, params.get(0).grad().toDoubleArray(), EXACT);
    assertArrayEquals(new double[] {4 * scale}, params.get(1).grad().toDoubleArray(), EXACT);
    assertEquals(1, GradClip.globalNorm(params), 1e-6);
  }

  @Test
  void byNormLeavesSmallGradientsAlone() {
    List<Parameter> params = withGrads(new double[] {0.3, 0.4});
    assertEquals(0.5, GradClip.byNorm(params, 1), EXACT);
    assertArrayEquals(new double[] {0.3, 0.4}, params.get(0).grad().toDoubleArray(), 0);
  }

  @Test
  void byNormReportsNonFiniteNormsWithoutScaling() {
    List<Parameter> params = withGrads(new double[] {Double.POSITIVE_INFINITY, 1});
    assertTrue(Double.isInfinite(GradClip.byNorm(params, 1)));
    assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 1}, params.get(0).grad().toDoubleArray(), 0);
  }

  @Test
  void byValueClampsEachElement() {
    List<Parameter> params = withGrads(new double[] {-3, 0.5, 2});
    GradClip.byValue(params, 1);
    assertArrayEquals(new double[] {-1, 0.5, 1}, params.get(0).grad().toDoubleArray(), 0);
    assertThrows(IllegalArgumentException.class, () -> GradClip.byValue(params, 0));
    assertThrows(IllegalArgumentException.class, () -> GradClip.byNorm(params, -1));
  }
}
