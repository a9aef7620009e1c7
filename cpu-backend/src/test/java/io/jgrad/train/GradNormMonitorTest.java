package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Tanh;
import io.jgrad.testing.ReferenceBackendTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradNormMonitorTest extends ReferenceBackendTest {

  @Test
  void measuresEachLayerAndWarnsOnceAboutVanishingAndExplodingGradients() {
    Generator g = new Generator(1);
    Sequential net = new Sequential(new Linear(backend, 3, 4, g), new Tanh(), new Linear(backend, 4, 2, g));
    GradNormMonitor monitor = new GradNormMonitor(net.namedParameters());
    for (int step = 0; step < 3; step++) {
      net.zeroGrad();
      // a huge loss scale explodes layer 2's gradient; tanh saturated by huge inputs starves layer 0's
      try (Tensor x = Tensor.full(backend, DType.FLOAT32, Shape.of(2, 3), 1e4)) {
        net.forward(x).sum().mul(1e6).backward();
      }
      assertNull(monitor.inspect(), "all gradients finite");
    }
    assertEquals(List.of("0", "2"), List.copyOf(monitor.norms().keySet()));
    assertEquals(List.of(
            "vanishing gradient: layer 0 has gradient norm 0.0 (< 1.0E-7)",
            "exploding gradient: layer 2 has gradient norm " + monitor.norms().get("2") + " (> 1000.0)"),
        monitor.warnings());
  }
}
