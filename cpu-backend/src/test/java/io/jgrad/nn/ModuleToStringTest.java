package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.Conv2dOptions;
import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Window2d;
import io.jgrad.init.Initializer;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/** A model prints as PyTorch prints the same one: each layer's class and settings, containers' children by name. */
class ModuleToStringTest extends ReferenceBackendTest {

  @Test
  void anMlpPrintsItsLayersByIndex() {
    Generator gen = new Generator(0);
    Sequential mlp = new Sequential(new Linear(backend, 784, 512, gen), new ReLU(), new Dropout(0.2, gen),
        new Linear(backend, DType.FLOAT32, 512, 10, false, Initializer.heUniform(), gen), new LeakyReLU(0.01),
        new ELU(1), new GELU(), new Tanh(), new Sigmoid());
    assertPrints("""
        Sequential(
          (0): Linear(in_features=784, out_features=512, bias=true)
          (1): ReLU()
          (2): Dropout(p=0.2)
          (3): Linear(in_features=512, out_features=10, bias=false)
          (4): LeakyReLU(negative_slope=0.01)
          (5): ELU(alpha=1.0)
          (6): GELU()
          (7): Tanh()
          (8): Sigmoid()
        )""", mlp);
  }

  @Test
  void aCnnPrintsItsWindowsAndNestedContainersIndented() {
    Generator gen = new Generator(0);
    Sequential block = new Sequential(
        Conv2d.builder(backend, 1, 32, 3).options(Conv2dOptions.DEFAULTS.padding(1)).build(gen),
        new BatchNorm2d(backend, DType.FLOAT32, 32), new ReLU(), new MaxPool2d(2));
    Sequential cnn = new Sequential(new Unflatten(1, 28, 28), new Residual(block), new AvgPool2d(Window2d.of(3, 2, 1)),
        new AdaptiveAvgPool2d(1), new Flatten(), new LayerNorm(backend, DType.FLOAT32, 32),
        new BatchNorm1d(backend, DType.FLOAT32, 32),
        Conv2d.builder(backend, 4, 8, 3).options(Conv2dOptions.DEFAULTS.stride(2).dilation(2).groups(2)).bias(false)
            .build(gen),
        new Unflatten(7));
    assertPrints("""
        Sequential(
          (0): Unflatten(dim=1, unflattened_size=(1, 28, 28))
          (1): Residual(
            (block): Sequential(
              (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
              (1): BatchNorm2d(32, eps=1.0E-5, momentum=0.1)
              (2): ReLU()
              (3): MaxPool2d(kernel_size=2, stride=2, padding=0)
            )
          )
          (2): AvgPool2d(kernel_size=3, stride=2, padding=1)
          (3): AdaptiveAvgPool2d(output_size=1)
          (4): Flatten(start_dim=1, end_dim=-1)
          (5): LayerNorm((32,), eps=1.0E-5)
          (6): BatchNorm1d(32, eps=1.0E-5, momentum=0.1)
          (7): Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(0, 0), dilation=(2, 2), groups=2, bias=false)
          (8): Unflatten(dim=1, unflattened_size=(7,))
        )""", cnn);
  }

  @Test
  void aCheckpointedStackSaysHowManySegments() {
    Generator gen = new Generator(0);
    CheckpointedSequential stack =
        new Sequential(new Linear(backend, 4, 4, gen), new ReLU(), new Linear(backend, 4, 2, gen)).checkpointed(2);
    assertPrints("""
        CheckpointedSequential(
          segments=2
          (0): Linear(in_features=4, out_features=4, bias=true)
          (1): ReLU()
          (2): Linear(in_features=4, out_features=2, bias=true)
        )""", stack);
  }

  /** {@code model} prints as {@code expected}; closed after. */
  private static void assertPrints(String expected, Module model) {
    try {
      assertEquals(expected, model.toString());
    } finally {
      model.close();
    }
  }
}
