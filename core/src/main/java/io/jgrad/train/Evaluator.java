package io.jgrad.train;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.Backend;
import io.jgrad.DType;
import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.BceWithLogitsLoss;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import java.util.Iterator;

/**
 * Evaluation passes whose per-batch results stay on the device until the pass ends: each batch's work (forward, loss,
 * the count of correct arg-max predictions) writes the batch's mean loss and count into two fixed device words, which
 * are copied into a per-batch table; the table is read once per pass and summed on the host in batch order, exactly
 * as reading each batch would have. The label checks are deferred to that read ({@link Backend#deferChecks}).
 * Nothing in a batch reads the device, so on a backend that records ({@link Backend#capture}) the work of the first
 * batch shape that repeats is recorded once and replayed for every later batch of that shape ({@link GraphedStep},
 * with no optimizer in it), as the training step is; other shapes run eagerly.
 */
final class Evaluator implements AutoCloseable {
  private final Module model;
  private final Loss loss;
  /** Null where the batches run eagerly. */
  private final GraphedStep graphed;
  /** What one batch's work writes: [0] its mean loss, [1] its correct predictions; in the loss's dtype. */
  private Tensor result;
  /** A 0 in the loss's dtype that the count of labels' presences compares with; made beside {@link #result}. */
  private Tensor zero;

  /** @param recorder the backend that records a batch's work, or null to run every batch eagerly */
  Evaluator(Module model, Loss loss, Backend recorder) {
    this.model = model;
    this.loss = loss;
    // No optimizer step is recorded here, so no learning rate reaches a replay.
    this.graphed = recorder == null ? null
        : new GraphedStep(recorder, "the evaluation batch", () -> Double.NaN, this::work);
  }

  /** Loss and accuracy on {@code data}, in eval mode and without recording autograd's graph. */
  Evaluation evaluate(DataLoader data) {
    boolean wasTraining = model.isTraining();
    model.eval();
    int[] sizes = new int[data.batchesPerEpoch()];
    Tensor table = null;
    int batches = 0;
    try (NoGrad ignored = NoGrad.enter(); PassChecks checks = new PassChecks()) {
      for (Iterator<Batch> it = data.epoch(0); it.hasNext(); batches++) {
        try (Scope scope = Scope.open(); Batch batch = it.next()) {
          checks.openOn(batch.labels().backend());
          if (graphed == null) {
            work(batch);
          } else {
            graphed.run(batch);
          }
          if (table == null) {
            try (Scope detached = Scope.detached()) {
              table = Tensor.empty(result.backend(), result.dtype(), Shape.of(sizes.length, 2));
            }
          }
          result.backend().copy(buffer(result), 0, buffer(table), 2L * batches, 2);
          sizes[batches] = batch.size();
        }
      }
      if (batches == 0) {
        return new Evaluation(Double.NaN, Double.NaN);
      }
      Evaluation sums = summed(table.toDoubleArray(), sizes);
      return data.data().isRegression() && !presences() ? new Evaluation(sums.loss(), Double.NaN) : sums;
    } finally {
      if (table != null) {
        table.close();
      }
      model.train(wasTraining);
    }
  }

  /**
   * The pass's {@link Backend#deferChecks} scope, opened on the first batch's backend: the loss kernels' label checks
   * wait for the table's read-back instead of each batch waiting for the device (inside a fit, within its scope).
   */
  private static final class PassChecks implements AutoCloseable {
    private Backend.DeferredChecks scope;

    void openOn(Backend backend) {
      if (scope == null) {
        scope = backend.deferChecks();
      }
    }

    @Override
    public void close() {
      if (scope != null) {
        scope.close();
      }
    }
  }

  /** The sums in batch order, as a pass that read each batch would have formed them. */
  private static Evaluation summed(double[] table, int[] sizes) {
    double lossSum = 0;
    double correct = 0;
    long seen = 0;
    for (int b = 0; b < sizes.length; b++) {
      lossSum += table[2 * b] * sizes[b];
      correct += table[2 * b + 1];
      seen += sizes[b];
    }
    return new Evaluation(lossSum / seen, correct / seen);
  }

  /** Whether the targets are labels' presences (binary cross-entropy): counted by their exact matches. */
  private boolean presences() {
    return loss instanceof BceWithLogitsLoss;
  }

  /**
   * One batch's device work into {@link #result}. The arg-max runs on the scores in the loss's dtype (16-bit outputs
   * widened exactly), so its index is exact for any number of classes, and the count is summed in that dtype. A batch
   * of labels' presences (binary cross-entropy) counts the examples whose every label is decided right, a label
   * present where its logit is above 0: {@link MultiLabelReport}'s subset accuracy (which asks σ above 0.5; the two
   * differ only for a logit within 6e-8 of 0, where σ rounds to 0.5 in float32). A regression batch
   * (float targets of another loss) has no count: its word is left as it is and not read.
   */
  private void work(Batch batch) {
    try (Scope ignored = Scope.open()) {
      Tensor out = model.forward(batch.features());
      Tensor l = loss.apply(out, batch.labels());
      if (result == null) { // the first batch is eager: the recorded work finds them in place
        try (Scope detached = Scope.detached()) {
          result = Tensor.zeros(l.backend(), l.dtype(), Shape.of(2));
          zero = Tensor.zeros(l.backend(), l.dtype(), Shape.of(1));
        }
      }
      l.backend().copy(buffer(l), 0, buffer(result), 0, 1);
      if (batch.labels().dtype() == DType.INT32) {
        Tensor predicted = out.to(l.dtype()).argmax(1);
        Tensor correct = predicted.eq(batch.labels().to(l.dtype())).sum();
        l.backend().copy(buffer(correct), 0, buffer(result), 1, 1);
      } else if (presences() && out.rank() == 2) {
        Tensor present = out.to(l.dtype()).relu().eq(zero).neg().add(1); // 1 where the logit is above 0
        Tensor right = present.eq(batch.labels().to(l.dtype())).sum(1, false);
        Tensor correct = right.eq(zero.add(out.shape().dim(1))).sum();
        l.backend().copy(buffer(correct), 0, buffer(result), 1, 1);
      }
    }
  }

  @Override
  public void close() {
    if (graphed != null) {
      graphed.close();
    }
    if (result != null) {
      result.close();
      zero.close();
      result = null;
      zero = null;
    }
  }
}
