package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.Tensor;
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
import java.util.stream.Stream;

/**
 * {@code train --init-from}: a model file's weights as a run's starting point, as a PyTorch user loads a state dict
 * before training on: the data checked to be what the file's model was trained for, and its parameters and buffers
 * copied into the run's network, which may differ from the file's in training-only layers (dropout).
 */
final class InitialWeights {
  private InitialWeights() {}

  /**
   * Refuses data of other inputs, outputs or task than the model in {@code file} ({@code model}) was trained for; with
   * a new head ({@code newHead}), of other inputs alone. {@code option} names the file in the messages.
   */
  static void check(String option, Path file, ModelFile model, TrainingData data, TrainCommand.Task task,
      boolean newHead) {
    int[] shape = model.architecture().inputShape();
    if (!Arrays.equals(shape, data.inputShape())) {
      throw new IllegalArgumentException(option + " " + file + " reads examples of " + Arrays.toString(shape)
          + "; the data's are " + Arrays.toString(data.inputShape()));
    }
    if (!model.featureNames().isEmpty() && !data.featureNames().isEmpty()
        && !model.featureNames().equals(data.featureNames())) {
      throw new IllegalArgumentException(option + " " + file + " reads the columns " + model.featureNames()
          + "; the data's are " + data.featureNames());
    }
    if (newHead) {
      return;
    }
    // A teacher's outputs are targets as they are; a model to fine-tune can take a new output layer.
    String remedy = option.equals("--init-from") ? " (--new-head makes an output layer for %s)" : "";
    TrainCommand.Task trained = model.isRegression() ? TrainCommand.Task.REGRESSION
        : model.isMultiLabel() ? TrainCommand.Task.MULTILABEL : TrainCommand.Task.CLASSIFICATION;
    if (trained != task) {
      throw new IllegalArgumentException(option + " " + file + " is a model of --task " + CliEnums.label(trained)
          + "; this run is --task " + CliEnums.label(task) + String.format(remedy, "it"));
    }
    if (!model.classNames().equals(data.classNames())) {
      String what = task == TrainCommand.Task.CLASSIFICATION ? "classes" : task == TrainCommand.Task.REGRESSION
          ? "targets" : "labels";
      throw new IllegalArgumentException(option + " " + file + " has the " + what + " " + model.classNames()
          + "; the data's are " + data.classNames() + String.format(remedy, "them"));
    }
  }

  /**
   * Copies the parameters and buffers of the model in {@code file} into {@code target}'s, in order: the same layers
   * of weights, whatever dropout either has. With {@code newHead} the last layer's weight and bias, the output
   * layer's, are left as {@code target} drew them.
   */
  static void copy(Path file, Module target, Backend backend, boolean newHead) {
    try (Predictor saved = Predictor.load(file, backend)) {
      List<TensorData> parameters = tensors(saved.model().namedParameters().values().stream().map(p -> p.value()));
      List<TensorData> buffers = tensors(saved.model().namedBuffers().values().stream().map(slot -> slot[0]));
      Map<String, TensorData> own = ModelWeights.export(target);
      List<String> names = new ArrayList<>(target.namedParameters().keySet());
      List<String> bufferNames = new ArrayList<>(target.namedBuffers().keySet());
      if (parameters.size() != names.size() || buffers.size() != bufferNames.size()) {
        throw new IllegalArgumentException("--init-from " + file + " holds " + (parameters.size() + buffers.size())
            + " tensors; the run's network has " + (names.size() + bufferNames.size()));
      }
      Map<String, TensorData> renamed = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        boolean head = newHead && i >= names.size() - 2;
        renamed.put(names.get(i), head ? own.get(names.get(i)) : parameters.get(i));
      }
      for (int i = 0; i < bufferNames.size(); i++) {
        renamed.put(bufferNames.get(i), buffers.get(i));
      }
      ModelWeights.apply(target, renamed, "--init-from " + file, "");
    }
  }

  private static List<TensorData> tensors(Stream<Tensor> values) {
    return values.map(ModelWeights::toData).toList();
  }
}
