package io.jgrad.train;

import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.Tensor;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.loss.Loss;
import io.jgrad.nn.Module;
import java.util.Iterator;

/**
 * Loss and accuracy of a classifier on a data set, in eval mode and without recording a graph.
 *
 * @param loss mean loss per example
 * @param accuracy fraction of examples whose arg-max output is the label
 */
public record Evaluation(double loss, double accuracy) {

  public static Evaluation of(Module model, Loss loss, DataLoader data) {
    boolean wasTraining = model.isTraining();
    model.eval();
    double lossSum = 0;
    long correct = 0;
    long seen = 0;
    try (NoGrad ignored = NoGrad.enter()) {
      for (Iterator<Batch> it = data.epoch(0); it.hasNext(); ) {
        try (Scope scope = Scope.open(); Batch batch = it.next()) {
          Tensor out = model.forward(batch.features());
          lossSum += loss.apply(out, batch.labels()).item() * batch.size();
          float[] predicted = out.argmax(1).toFloatArray();
          int[] labels = batch.labels().toIntArray();
          for (int i = 0; i < labels.length; i++) {
            correct += (int) predicted[i] == labels[i] ? 1 : 0;
          }
          seen += labels.length;
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return new Evaluation(lossSum / seen, (double) correct / seen);
  }
}
