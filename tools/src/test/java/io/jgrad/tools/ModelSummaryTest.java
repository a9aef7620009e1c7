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

  /**
   * ResNet-8 on 28×28 grey images: the stem, a block of each stage (the second and third halving the sides through
   * their shortcuts' 1×1 convolutions), global pooling and the Linear, each block one row with its parameters.
   */
  @Test
  void aResNetsBlocksAndTheirShapes() {
    ResNetSpec spec = new ResNetSpec(new int[] {1, 28, 28}, 8, 0.2, 10);
    Module model = spec.build(backend, new Generator(0), new Generator(1));
    List<ModelSummary.Layer> layers = ModelSummary.of(model, 784, backend);
    int[][] shapes = {{-1, 1, 28, 28}, {-1, 16, 28, 28}, {-1, 16, 28, 28}, {-1, 16, 28, 28}, {-1, 16, 28, 28},
      {-1, 32, 14, 14}, {-1, 64, 7, 7}, {-1, 64, 1, 1}, {-1, 64}, {-1, 64}, {-1, 10}};
    // a block: two 3×3 convolutions and two batch norms; the shortcut's 1×1 convolution and batch norm where it halves
    long[] parameters = {0, 144, 32, 0, 2 * 16 * 16 * 9 + 4 * 16, 16 * 32 * 9 + 32 * 32 * 9 + 4 * 32 + 16 * 32 + 2 * 32,
      32 * 64 * 9 + 64 * 64 * 9 + 4 * 64 + 32 * 64 + 2 * 64, 0, 0, 0, 650};
    assertEquals(shapes.length, layers.size());
    for (int i = 0; i < layers.size(); i++) {
      assertArrayEquals(shapes[i], layers.get(i).outputShape(), layers.get(i).toString());
      assertEquals(parameters[i], layers.get(i).parameters(), layers.get(i).module());
    }
    assertEquals(spec.parameterCount(), layers.stream().mapToLong(ModelSummary.Layer::parameters).sum());
    assertTrue(layers.get(5).module().startsWith("BasicBlock( (conv1): Conv2d(16, 32, kernel_size=(3, 3), "
        + "stride=(2, 2)"), layers.get(5).module());
    assertEquals(272_474, new ResNetSpec(new int[] {3, 32, 32}, 20, 0, 10).parameterCount(), "ResNet-20's");
    // The input; the stem's conv and its batch norm with the ReLU; a block's four outputs (each batch norm runs with
    // the ReLU and the sum after it), six with a downsampling shortcut; the pooled and flattened features, dropout's
    // and the logits.
    assertEquals(784 + 2 * 16 * 784 + 4 * 16 * 784 + 6 * 32 * 196 + 6 * 64 * 49 + 3 * 64 + 10,
        spec.activationFloatsPerSample());
    model.close();
  }
}
