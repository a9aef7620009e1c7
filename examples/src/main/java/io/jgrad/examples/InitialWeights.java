package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.io.ModelWeights;
import io.jgrad.io.TensorData;
import io.jgrad.nn.Module;
import io.jgrad.tools.ModelFile;
import io.jgrad.tools.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code train --init-from}: a model file's weights as a run's starting point, as a PyTorch user loads a state dict
 * before training on: the data checked to be what the file's model was trained for, and its parameters and buffers
 * copied into the run's network, which may differ from the file's in training-only layers (dropout).
 */
final class InitialWeights {
  private InitialWeights() {}

  /** Refuses data of other inputs, outputs or task than the model in {@code file} ({@code model}) was trained for. */
  static void check(Path file, ModelFile model, TrainingData data, TrainCommand.Task task) {
    TrainCommand.Task trained = model.isRegression() ? TrainCommand.Task.REGRESSION
        : model.isMultiLabel() ? TrainCommand.Task.MULTILABEL : TrainCommand.Task.CLASSIFICATION;
    if (trained != task) {
      throw new IllegalArgumentException("--init-from " + file + " is a model of --task " + CliEnums.label(trained)
          + "; this run is --task " + CliEnums.label(task));
    }
    int[] shape = model.architecture().inputShape();
    if (!Arrays.equals(shape, data.inputShape())) {
      throw new IllegalArgumentException("--init-from " + file + " reads examples of " + Arrays.toString(shape)
          + "; the data's are " + Arrays.toString(data.inputShape()));
    }
    if (!model.classNames().equals(data.classNames())) {
      String what = task == TrainCommand.Task.CLASSIFICATION ? "classes" : task == TrainCommand.Task.REGRESSION
          ? "targets" : "labels";
      throw new IllegalArgumentException("--init-from " + file + " has the " + what + " " + model.classNames()
          + "; the data's are " + data.classNames() + " (a new output layer is not made here)");
    }
    if (!model.featureNames().isEmpty() && !data.featureNames().isEmpty()
        && !model.featureNames().equals(data.featureNames())) {
      throw new IllegalArgumentException("--init-from " + file + " reads the columns " + model.featureNames()
          + "; the data's are " + data.featureNames());
    }
  }

  /**
   * Copies the parameters and buffers of the model in {@code file} into {@code target}'s, in order: the same layers
   * of weights, whatever dropout either has.
   */
  static void copy(Path file, Module target, Backend backend) {
    try (Predictor saved = Predictor.load(file, backend)) {
      List<TensorData> values = new ArrayList<>(ModelWeights.export(saved.model()).values());
      List<String> names = new ArrayList<>(target.namedParameters().keySet());
      names.addAll(target.namedBuffers().keySet());
      if (values.size() != names.size()) {
        throw new IllegalArgumentException("--init-from " + file + " holds " + values.size() + " tensors; the run's "
            + "network has " + names.size());
      }
      Map<String, TensorData> renamed = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        renamed.put(names.get(i), values.get(i));
      }
      ModelWeights.apply(target, renamed, "--init-from " + file, "");
    }
  }
}
