package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.Generator;
import io.jgrad.init.Initializer;
import io.jgrad.io.Safetensors;
import io.jgrad.io.SafetensorsFile;
import io.jgrad.nn.Module;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.ModelFile;
import io.jgrad.tools.ModelSummary;
import io.jgrad.train.TrainingCheckpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code jgrad summary}: what a model file holds, as Keras' {@code model.summary()} tells it: a JSON line per layer
 * (its settings, output shape and parameters), then one of the whole: what it reads and predicts, its parameters, and
 * for a checkpoint the run that wrote it (epochs, optimizer steps, the settings {@code --resume} takes).
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "Describe a model file: its layers with their output shapes and parameters, what it reads and "
        + "predicts, and for a checkpoint the run that wrote it.")
final class SummaryCommand implements Callable<Integer> {
  @Mixin ModelFileOption modelFile;

  @Override
  public Integer call() {
    SafetensorsFile file = Safetensors.read(modelFile.path);
    ModelFile description = ModelFile.fromMetadata(file.metadata(), modelFile.path.toString());
    List<ModelSummary.Layer> layers;
    // The shapes and counts need no weights: the network is built from zeros on the reference backend.
    try (Backend backend = Backends.create("cpu-scalar", BackendOptions.defaults())) {
      Module model = description.architecture().build(backend, Initializer.zeros(), new Generator(0),
          new Generator(1));
      try {
        layers = ModelSummary.of(model, description.architecture().featureSize(), backend);
      } finally {
        model.close();
      }
    }
    for (ModelSummary.Layer layer : layers) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("event", "layer");
      line.put("name", layer.name());
      line.put("module", layer.module());
      line.put("output_shape", layer.outputShape());
      line.put("parameters", layer.parameters());
      System.out.println(JsonLine.of(line));
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("event", "summary");
    s.put("model", modelFile.path.toString());
    s.put("architecture", description.architecture().kind());
    s.put("input_shape", description.architecture().inputShape());
    s.put("task", description.isRegression() ? "regression" : description.isMultiLabel() ? "multilabel"
        : "classification");
    s.put(description.isRegression() ? "targets" : description.isMultiLabel() ? "labels" : "classes",
        description.classNames());
    if (description.featureNames() != null && !description.featureNames().isEmpty()) {
      s.put("columns", description.featureNames());
    }
    if (description.dataset() != null) {
      s.put("dataset", description.dataset());
    }
    long parameters = layers.stream().mapToLong(ModelSummary.Layer::parameters).sum();
    s.put("parameters", parameters);
    s.put("parameter_bytes", parameters * Float.BYTES);
    if (description.temperature() != 1) {
      s.put("temperature", description.temperature());
    }
    TrainingCheckpoint.Restored run = TrainingCheckpoint.recorded(modelFile.path, file.metadata());
    if (run != null) {
      s.put("epochs", run.epochs());
      s.put("optimizer_steps", run.optimizerSteps());
      double decay = TrainingCheckpoint.averageDecay(file.metadata());
      if (!Double.isNaN(decay)) { // what eval, predict, export and serve read: the average, not the last weights
        s.put("weights", "exponential moving average, decay " + decay);
      }
      s.put("settings", run.config());
    }
    System.out.println(JsonLine.of(s));
    return 0;
  }
}
