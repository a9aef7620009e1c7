package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.DType;
import io.jgrad.Generator;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.LabeledData;
import io.jgrad.init.Initializer;
import io.jgrad.loss.CrossEntropyLoss;
import io.jgrad.loss.Loss;
import io.jgrad.loss.Reduction;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.AdamW;
import io.jgrad.testing.ReferenceBackendTest;
import org.junit.jupiter.api.Test;

/**
 * {@link Mixup}: λ is a draw from Beta(α, α) fixed by the seed, the epoch and the step; the loss is λ times the
 * labels' loss plus 1 − λ times the mirrored labels', both of the blend of the batch with its mirror, or under CutMix
 * of the batch with a box of its mirror's pixels, λ then the share of the image outside the box; a fit with it is
 * reproducible.
 */
class MixupTest extends ReferenceBackendTest {
  /** Beta(α, α) has mean 1/2 and variance 1/(4(2α + 1)): 20,000 steps' draws hold both to a few percent. */
  @Test
  void lambdaIsADrawFromBetaOfAlphaAlpha() {
    for (double alpha : new double[] {0.2, 1, 4}) {
      Mixup mixup = new Mixup(alpha, 7);
      int n = 20_000;
      double sum = 0;
      double squares = 0;
      for (int step = 0; step < n; step++) {
        double lambda = mixup.draw(3, step).lambda();
        assertTrue(lambda >= 0 && lambda <= 1, "λ " + lambda);
        sum += lambda;
        squares += lambda * lambda;
      }
      double mean = sum / n;
      double variance = squares / n - mean * mean;
      double expected = 1 / (4 * (2 * alpha + 1));
      assertEquals(0.5, mean, 0.01, "α " + alpha);
      assertEquals(expected, variance, 0.05 * expected, "α " + alpha);
    }
    Mixup mixup = new Mixup(0.2, 7);
    assertEquals(mixup.draw(2, 5), new Mixup(0.2, 7).draw(2, 5), "the same seed, epoch and step: the same λ");
    assertNotEquals(mixup.draw(2, 5), new Mixup(0.2, 8).draw(2, 5));
    assertNotEquals(mixup.draw(2, 5), mixup.draw(3, 5));
    assertThrows(IllegalArgumentException.class, () -> new Mixup(0, 1));
  }

  /** In float64 the blend and the two losses computed on the host give the mixed loss to the last bit. */
  @Test
  void theLossMixesBothLabelsLossesOfTheBlendedBatch() {
    double lambda = 0.3;
    double[] x = {0.5, -1, 2, 0.25, -0.75, 1.5, 3, -2, 0.125, 1, -0.5, 0.875};
    int[] y = {0, 2, 1, 2};
    int n = y.length;
    int features = x.length / n;
    Sequential model = new Sequential(new Linear(backend, DType.FLOAT64, features, 3, true, Initializer.heUniform(),
        new Generator(3)));
    Loss loss = new CrossEntropyLoss(Reduction.MEAN, 0.1);
    try (Scope ignored = Scope.open()) {
      double[] blend = new double[x.length];
      int[] mirrored = new int[n];
      for (int i = 0; i < n; i++) {
        mirrored[i] = y[n - 1 - i];
        for (int j = 0; j < features; j++) {
          blend[i * features + j] = lambda * x[i * features + j] + (1 - lambda) * x[(n - 1 - i) * features + j];
        }
      }
      Tensor out = model.forward(Tensor.of(backend, blend, n, features));
      double expected = lambda * loss.apply(out, Tensor.of(backend, y, n)).item()
          + (1 - lambda) * loss.apply(out, Tensor.of(backend, mirrored, n)).item();
      Batch batch = new Batch(Tensor.of(backend, x, n, features), Tensor.of(backend, y, n), 0);
      assertEquals(expected, new Mixup(1, 0).loss(model, loss, batch, new Mixup.Draw(lambda, false, 0, 0, 0, 0))
          .item(), 1e-15);
    }
    model.close();
  }

  /** Boxes inside the image, λ the share outside them; with mixup beside it, about half the batches cut. */
  @Test
  void cutMixBoxesLieInTheImageAndLambdaIsTheShareOutside() {
    int[] image = {3, 7, 5};
    Mixup cut = Mixup.cutMix(1, image, 4);
    for (int step = 0; step < 2_000; step++) {
      Mixup.Draw d = cut.draw(0, step);
      assertTrue(d.cutMix() && 0 <= d.top() && d.top() <= d.bottom() && d.bottom() <= 7 && 0 <= d.left()
          && d.left() <= d.right() && d.right() <= 5, d.toString());
      assertEquals(1 - (d.bottom() - d.top()) * (d.right() - d.left()) / 35.0, d.lambda(), 1e-15, d.toString());
    }
    Mixup both = new Mixup(0.2, 4).withCutMix(1, image);
    long cuts = java.util.stream.IntStream.range(0, 2_000).filter(step -> both.draw(1, step).cutMix()).count();
    assertTrue(cuts > 900 && cuts < 1_100, cuts + " of 2,000 batches cut");
    assertThrows(IllegalArgumentException.class, () -> Mixup.cutMix(1, new int[] {20}, 0));
  }

  /** In float64, a box of the mirror's pixels pasted into each example, and the loss weighed by the box's area. */
  @Test
  void cutMixPastesTheMirrorsBoxIntoEveryChannel() {
    int[] image = {2, 4, 3};
    int features = 24;
    int n = 3;
    double[] x = new double[n * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7 % 13) / 4.0 - 1;
    }
    int[] y = {1, 0, 2};
    Mixup cut = Mixup.cutMix(1, image, 9);
    Mixup.Draw d = java.util.stream.IntStream.range(0, 100).mapToObj(step -> cut.draw(0, step))
        .filter(dr -> dr.lambda() > 0 && dr.lambda() < 1).findFirst().orElseThrow();
    Sequential model = new Sequential(new Linear(backend, DType.FLOAT64, features, 3, true, Initializer.heUniform(),
        new Generator(3)));
    Loss loss = new CrossEntropyLoss(Reduction.MEAN, 0);
    try (Scope ignored = Scope.open()) {
      double[] pasted = x.clone();
      int[] mirrored = new int[n];
      for (int i = 0; i < n; i++) {
        mirrored[i] = y[n - 1 - i];
        for (int c = 0; c < 2; c++) {
          for (int r = d.top(); r < d.bottom(); r++) {
            for (int col = d.left(); col < d.right(); col++) {
              int at = c * 12 + r * 3 + col;
              pasted[i * features + at] = x[(n - 1 - i) * features + at];
            }
          }
        }
      }
      Tensor out = model.forward(Tensor.of(backend, pasted, n, features));
      double expected = d.lambda() * loss.apply(out, Tensor.of(backend, y, n)).item()
          + (1 - d.lambda()) * loss.apply(out, Tensor.of(backend, mirrored, n)).item();
      Batch batch = new Batch(Tensor.of(backend, x, n, features), Tensor.of(backend, y, n), 0);
      assertEquals(expected, cut.loss(model, loss, batch, d).item(), 1e-15);
    }
    model.close();
  }

  @Test
  void aFitWithMixupIsReproducibleAndMixesBySeed() {
    float[][] first = fit(0.4, 11);
    assertArrayEquals(first[0], fit(0.4, 11)[0]);
    float[] otherSeed = fit(0.4, 12)[0];
    assertTrue(java.util.Arrays.stream(new int[] {0, 1, 2}).anyMatch(i -> first[0][i] != otherSeed[i]),
        "another seed draws other λs");
  }

  private static float[][] fit(double alpha, long seed) {
    LabeledData data = TrainerTest.clusters(60, 1);
    Generator init = new Generator(5);
    Sequential model = new Sequential(new Linear(backend, data.featureSize(), 8, init), new ReLU(),
        new Linear(backend, 8, data.numClasses(), init));
    try (DataLoader loader = DataLoader.builder(data).batchSize(10).shuffle(true).seed(3).build(backend);
        AdamW opt = new AdamW(model.namedParameters(), 0.01)) {
      new Trainer(model, opt, new CrossEntropyLoss(Reduction.MEAN, 0)).mixup(new Mixup(alpha, seed))
          .fit(loader, null, 2);
      float[][] w = weights(model);
      model.close();
      return w;
    }
  }
}
