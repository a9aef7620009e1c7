package io.jgrad.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Generator;
import io.jgrad.nn.Module;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ModelSummary}: every child of a network with the shape it outputs and its parameters. */
class ModelSummaryTest extends ScalarBackendTest {
  /**
   * The CNN on 28×28 grey images: two conv blocks halving the sides, then the head; the parameters add up to what the
   * spec counts before building, and the network is left in the mode it was in.
   */
  @Test
  void aCnnsLayersAndTheirShapes() {
    CnnSpec spec = new CnnSpec(new int[] {1, 28, 28}, 0.2, 10);
    Module model = spec.build(backend, new Generator(0), new Generator(1));
    List<ModelSummary.Layer> layers = ModelSummary.of(model, 784, backend);
    assertEquals(model.children().size(), layers.size());
    int[][] shapes = {{-1, 1, 28, 28}, {-1, 32, 28, 28}, {-1, 32, 28, 28}, {-1, 32, 14, 14}, {-1, 32, 14, 14},
      {-1, 64, 14, 14}, {-1, 64, 14, 14}, {-1, 64, 7, 7}, {-1, 64, 7, 7}, {-1, 3136}, {-1, 128}, {-1, 128}, {-1, 128},
      {-1, 10}};
    long[] parameters = {0, 288, 64, 0, 0, 18432, 128, 0, 0, 0, 401536, 0, 0, 1290};
    for (int i = 0; i < layers.size(); i++) {
      assertArrayEquals(shapes[i], layers.get(i).outputShape(), layers.get(i).toString());
      assertEquals(parameters[i], layers.get(i).parameters(), layers.get(i).module());
    }
    assertEquals(spec.parameterCount(), layers.stream().mapToLong(ModelSummary.Layer::parameters).sum());
    assertTrue(layers.get(1).module().startsWith("Conv2d(1, 32, kernel_size=(3, 3)"), layers.get(1).module());
    assertTrue(model.isTraining(), "left in training mode");
    model.close();
  }
}
