package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.Function;
import io.jgrad.Generator;
import io.jgrad.NoGrad;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.testing.ReferenceBackendTest;
import io.jgrad.train.EpochMetrics;
import io.jgrad.train.NonFiniteGradientException;
import io.jgrad.train.NonFinitePolicy;
import io.jgrad.train.Trainer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A NaN or an infinity in the loss or in one layer's gradient is caught before the optimizer step under both policies:
 * SKIP leaves the model and the optimizer exactly as they were and goes on; STOP throws, naming where it appeared.
 */
class NonFiniteStepTest extends ReferenceBackendTest {
  private static final int FEATURES = 6;
  private static final int CLASSES = 3;

  /** Identity forward; backward multiplies the gradient by +Inf, as an op that overflows in backward would. */
  private static final class OverflowInBackward extends Module {
    @Override
    public Tensor forward(Tensor x) {
      Tensor out;
      try (NoGrad ignored = NoGrad.enter()) {
        out = x.mul(1.0);
      }
      return Function.isRecording(x) ? new Overflow().link(out, x) : out;
    }
  }

  private static final class Overflow extends Function {
    Tensor link(Tensor out, Tensor x) {
      return connect(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor gradOut) {
      return new Tensor[] {gradOut.mul(Double.POSITIVE_INFINITY)};
    }
  }

  /** Layers "0" and "3" are Linear; the overflow sits between them, so only layer 0's gradient goes bad. */
  private static Sequential model(boolean overflow) {
    Generator init = new Generator(9);
    Module middle = overflow ? new OverflowInBackward() : new ReLU();
    return new Sequential(new Linear(backend, FEATURES, 8, init), new ReLU(), middle,
        new Linear(backend, 8, CLASSES, init));
  }

  @ParameterizedTest
  @EnumSource(NonFinitePolicy.class)
  void anInfiniteGradientInOneLayerIsCaughtAndNamed(NonFinitePolicy policy) {
    assertCaught(model(true), features(1f), policy, true, "first in 0 at optimizer step 1");
  }

  @ParameterizedTest
  @EnumSource(NonFinitePolicy.class)
  void aNonFiniteLossIsCaught(NonFinitePolicy policy) {
    assertCaught(model(false), features(Float.POSITIVE_INFINITY), policy, false, "(loss NaN) first in the loss");
  }

  @ParameterizedTest
  @EnumSource(NonFinitePolicy.class)
  void aNanInputReachesTheLoss(NonFinitePolicy policy) {
    // ReLU lets the NaN through, as PyTorch's does, so the loss is NaN (an activation mapping it to 0 would hide it).
    assertCaught(model(false), features(Float.NaN), policy, false, "(loss NaN) first in the loss at optimizer step 1");
  }

  @ParameterizedTest
  @EnumSource(NonFinitePolicy.class)
  void skippingGoesOnTrainingWithTheGoodBatches(NonFinitePolicy policy) {
    Sequential model = model(false);
    float[] x = new float[32 * FEATURES];
    int[] y = new int[32];
    for (int i = 0; i < 32; i++) {
      y[i] = i % CLASSES;
      x[i * FEATURES + y[i]] = 1;
    }
    x[20 * FEATURES] = Float.NaN; // one poisoned example, in the third of four batches
    try (DataLoader data = DataLoader.builder(new LabeledData(x, y, FEATURES, CLASSES)).batchSize(8).build(backend);
        Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss()).nonFinitePolicy(policy);
      if (policy == NonFinitePolicy.STOP) {
        assertThrows(NonFiniteGradientException.class, () -> trainer.fit(data, null, 1));
        assertEquals(2, opt.steps(), "the two batches before the poisoned one were applied");
      } else {
        List<EpochMetrics> history = trainer.fit(data, null, 2);
        assertEquals(List.of(1, 1), history.stream().map(EpochMetrics::skippedSteps).toList());
        assertEquals(6, opt.steps());
      }
    } finally {
      model.close();
    }
  }

  /**
   * A diverged run (every batch non-finite) under SKIP stops after the limit of steps skipped in a row instead of
   * finishing with weights it never moved; the default limit is 50, and isolated skips between good steps reset it.
   */
  @Test
  void skippingStopsAfterTooManyNonFiniteStepsInARow() {
    int batches = 60;
    float[] x = new float[batches * FEATURES];
    int[] y = new int[batches];
    Arrays.fill(x, Float.NaN);
    Sequential model = model(false);
    try (DataLoader data = DataLoader.builder(new LabeledData(x, y, FEATURES, CLASSES)).batchSize(1).build(backend);
        Optimizer opt = new Adam(model.namedParameters(), 1e-2)) {
      float[][] before = weights(model);
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss());
      NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> trainer.fit(data, null, 1));
      assertTrue(e.getMessage().startsWith("50 steps in a row skipped as non-finite (limit 50)"), e.getMessage());
      assertEquals(0, opt.steps());
      float[][] after = weights(model);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], "parameter " + i + " changed");
      }
      Trainer limited = new Trainer(model, opt, new CrossEntropyLoss()).maxSkippedInARow(3);
      e = assertThrows(NonFiniteGradientException.class, () -> limited.fit(data, null, 1));
      assertTrue(e.getMessage().startsWith("3 steps in a row"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> limited.maxSkippedInARow(0));
    } finally {
      model.close();
    }
    // Every other batch poisoned: 30 skips in all, never 2 in a row, so a limit of 2 is never reached.
    for (int i = 0; i < batches; i++) {
      Arrays.fill(x, i * FEATURES, (i + 1) * FEATURES, i % 2 == 0 ? Float.NaN : 0.5f);
    }
    Sequential alternating = model(false);
    try (DataLoader data = DataLoader.builder(new LabeledData(x, y, FEATURES, CLASSES)).batchSize(1).build(backend);
        Optimizer opt = new Adam(alternating.namedParameters(), 1e-2)) {
      Trainer trainer = new Trainer(alternating, opt, new CrossEntropyLoss()).maxSkippedInARow(2);
      assertEquals(30, trainer.fit(data, null, 1).get(0).skippedSteps());
      assertEquals(30, opt.steps());
    } finally {
      alternating.close();
    }
  }

  /**
   * @param finiteLoss whether the loss itself is finite (only a gradient is not)
   * @param where a fragment of the message that says where the fault appeared
   */
  private static void assertCaught(
      Sequential model, Tensor features, NonFinitePolicy policy, boolean finiteLoss, String where) {
    try (Optimizer opt = new Adam(model.namedParameters(), 1e-2);
        Batch batch = new Batch(features, Tensor.of(backend, new int[] {0, 2}, 2), 0)) {
      Trainer trainer = new Trainer(model, opt, new CrossEntropyLoss()).nonFinitePolicy(policy);
      float[][] before = weights(model);
      if (policy == NonFinitePolicy.STOP) {
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> trainer.step(batch));
        assertTrue(e.getMessage().contains(where), e.getMessage());
        assertTrue(e.getMessage().endsWith("step skipped, model unchanged"), e.getMessage());
      } else {
        assertEquals(finiteLoss, Double.isFinite(trainer.step(batch)));
      }
      float[][] after = weights(model);
      for (int i = 0; i < before.length; i++) {
        assertArrayEquals(before[i], after[i], "parameter " + i + " changed");
      }
      assertEquals(0, opt.steps());
      assertTrue(opt.state().isEmpty(), "no optimizer state was created");
    } finally {
      model.close();
    }
  }

  /** Two examples; the first one's first feature is {@code poison}. */
  private static Tensor features(float poison) {
    float[] x = {poison, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    return Tensor.of(backend, x, 2, FEATURES);
  }
}
