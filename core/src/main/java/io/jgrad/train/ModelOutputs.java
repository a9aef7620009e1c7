package io.jgrad.train;

import io.jgrad.NoGrad;
import io.jgrad.Scope;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.nn.Module;
import java.util.Iterator;

/**
 * A model's outputs over data of float targets (regression targets, a multi-label table's 0/1 presences) beside those
 * targets, N × T each, row-major: what {@link RegressionReport} and {@link MultiLabelReport} score.
 */
record ModelOutputs(float[] outputs, float[] targets) {

  /**
   * Runs {@code model} over {@code data} in eval mode without recording a graph.
   *
   * @param per what one output stands for in an error ("target", "label")
   */
  static ModelOutputs of(Module model, DataLoader data, String per) {
    int width = data.data().targetSize();
    int n = data.data().size();
    float[] outputs = new float[n * width];
    float[] targets = new float[n * width];
    boolean wasTraining = model.isTraining();
    model.eval();
    int at = 0;
    try (NoGrad ignored = NoGrad.enter()) {
      for (Iterator<Batch> it = data.epoch(0); it.hasNext(); ) {
        try (Scope scope = Scope.open(); Batch batch = it.next()) {
          float[] out = model.forward(batch.features()).toFloatArray();
          if (out.length != batch.size() * width) {
            throw new IllegalArgumentException("the model gives " + out.length / batch.size() + " outputs an example, "
                + "the data have " + width + " " + per + "s");
          }
          System.arraycopy(out, 0, outputs, at, out.length);
          System.arraycopy(batch.labels().toFloatArray(), 0, targets, at, out.length);
          at += out.length;
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return new ModelOutputs(outputs, targets);
  }
}
