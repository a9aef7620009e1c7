package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.data.Standardizer;
import io.jgrad.nn.Activation;
import io.jgrad.nn.Sequential;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.MlpSpec;
import io.jgrad.tools.ModelFile;
import io.jgrad.tools.TorchMlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jgrad import}: a PyTorch MLP's state dict ({@link TorchMlp}) as a jgrad model file, which {@code eval},
 * {@code predict}, {@code serve} and {@code export} then take as one {@code train} wrote. Prints one JSON line saying
 * what was read and written.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Write a PyTorch MLP's weights (its state_dict, saved with safetensors) as a jgrad model file.",
    footer = {"In PyTorch: from safetensors.torch import save_file; save_file(model.state_dict(), 'mlp.safetensors'). "
        + "The network is Linear layers with one activation between them (nn.Sequential of Linear, ReLU, Dropout, "
        + "..., or Linear layers named fc1, fc2, ...); the model file runs it in evaluation mode, its inputs "
        + "standardised by --mean and --std as a transforms.Normalize or a StandardScaler in front of it did."})
final class ImportCommand implements Callable<Integer> {

  @Option(names = "--weights", required = true, paramLabel = "FILE.safetensors", description = "the state dict, as "
      + "safetensors.torch.save_file writes it")
  Path weights;

  @Option(names = "--output", required = true, paramLabel = "FILE.safetensors", description = "the jgrad model file to "
      + "write (replaced whole, never left half-written)")
  Path output;

  @Option(names = "--input-shape", paramLabel = "SHAPE", split = ",", description = "one example's shape, channels "
      + "first: 1,28,28 for grey images (predict then reads image files), or the features' count for a table (default: "
      + "the first layer's inputs, a table)")
  int[] inputShape;

  @Option(names = "--dataset", description = "the data set the network was trained on, recorded so that eval needs "
      + "no --dataset: one jgrad knows (digits, mnist, fashion-mnist, cifar10) also gives the input shape and the "
      + "classes' names where --input-shape and --classes are not given")
  Datasets dataset;

  @Option(names = "--activation", defaultValue = "relu", description = "the activation between the layers: relu, "
      + "leaky-relu (slope 0.01), elu, gelu (PyTorch's GELU(approximate='tanh')), tanh or sigmoid "
      + "(default: ${DEFAULT-VALUE})")
  String activation;

  @Option(names = "--task", description = "classification (the outputs are classes' logits, a softmax over them), "
      + "regression (the outputs are values, as they are) or multilabel (each output a label's logit, a sigmoid each) "
      + "(default: classification)")
  TrainCommand.Task task;

  @Option(names = "--classes", paramLabel = "NAMES", split = ",", description = "the outputs' names, in order: the "
      + "classes (a regression's targets, a multi-label model's labels) (default: 0, 1, ...)")
  List<String> classes;

  @Option(names = "--columns", paramLabel = "NAMES", split = ",", description = "a table's feature columns, in the "
      + "input's order, so that predict and eval find them by a CSV header's names (default: their indices, 0, 1, ...)")
  List<String> columns;

  @Option(names = "--mean", paramLabel = "M", split = ",", description = "the inputs' standardisation, (x - mean) / "
      + "std: one value, one a channel (images) or one a feature (a table), as transforms.Normalize's or "
      + "StandardScaler's mean_ (default: 0)")
  double[] mean;

  @Option(names = "--std", paramLabel = "S", split = ",", description = "with --mean: the standard deviations, as "
      + "Normalize's std or StandardScaler's scale_ (default: 1)")
  double[] std;

  @Override
  public Integer call() throws IOException {
    new OutputPaths().add("--output", output);
    if (Files.exists(output) && Files.exists(weights) && Files.isSameFile(output, weights)) {
      throw new IllegalArgumentException("--output " + output + " is the PyTorch file itself: write the model beside "
          + "it");
    }
    if ((mean == null) != (std == null)) {
      throw new IllegalArgumentException(mean == null ? "--std needs --mean" : "--mean needs --std");
    }
    TorchMlp torch = TorchMlp.read(weights);
    boolean known = dataset != null && dataset.known();
    int[] shape = inputShape != null ? inputShape
        : known ? dataset.inputShape(dataset.featureSize()) : new int[] {torch.inputs()};
    Activation.named(activation); // an unknown name is a line of its own
    MlpSpec spec;
    try {
      spec = torch.spec(shape, activation);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--input-shape " + Arrays.toString(shape) + ": " + e.getMessage(), e);
    }
    TrainCommand.Task kind = task != null ? task : TrainCommand.Task.CLASSIFICATION;
    List<String> given = classes != null ? classes : known ? dataset.classNames : null; // null: 0, 1, ...
    if (given != null && given.size() != torch.outputs()) {
      throw new IllegalArgumentException((classes != null ? "--classes names " : "--dataset " + dataset.label()
          + " has ") + given.size() + (classes != null ? " outputs" : " classes") + "; the last layer, "
          + torch.names().get(torch.names().size() - 1) + ", has " + torch.outputs());
    }
    boolean table = shape.length == 1;
    if (columns != null && (!table || columns.size() != shape[0])) {
      throw new IllegalArgumentException("--columns names " + columns.size() + " features; the input "
          + (table ? "has " + shape[0] : "is images, " + Arrays.toString(shape)));
    }
    ModelFile description = ModelFile.of(spec, standardizer(spec, shape), given,
        dataset == null ? "" : dataset.label());
    List<String> names = description.classNames();
    if (table) { // a table's model: predict reads a CSV file's columns as the model names them
      description = description.withFeatureNames(columns != null ? columns
          : IntStream.range(0, shape[0]).mapToObj(Integer::toString).toList());
    }
    if (kind == TrainCommand.Task.REGRESSION) {
      double[] zero = new double[names.size()];
      double[] one = new double[names.size()];
      Arrays.fill(one, 1);
      description = description.regression(Standardizer.of(names.size(), zero, one), names); // values as they are
    } else if (kind == TrainCommand.Task.MULTILABEL) {
      description = description.multiLabel(names);
    }
    // The weights are only copied: the reference backend needs no JIT and no device.
    try (Backend backend = Backends.create("cpu-scalar", BackendOptions.defaults())) {
      Sequential model = torch.build(spec, backend);
      try {
        description.save(output, model);
      } finally {
        model.close();
      }
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", "import");
    line.put("weights", weights.toString());
    line.put("model", output.toString());
    line.put("layers", torch.names());
    line.put("input_shape", shape);
    line.put("hidden", spec.hidden());
    line.put("activation", activation);
    line.put("task", CliEnums.label(kind));
    line.put("dataset", dataset == null ? null : dataset.label());
    line.put("outputs", names);
    System.out.println(JsonLine.of(line));
    return 0;
  }

  /** --mean and --std as the model's standardisation: one value for every feature, or one a channel or feature. */
  private Standardizer standardizer(MlpSpec spec, int[] shape) {
    int features = spec.featureSize();
    if (mean == null) {
      return Standardizer.of(features, new double[] {0}, new double[] {1});
    }
    if (mean.length != std.length) {
      throw new IllegalArgumentException("--mean gives " + mean.length + " values and --std " + std.length);
    }
    int channels = shape[0]; // images' [C, H, W], or a table's [F], each feature a channel of its own
    if (mean.length != 1 && mean.length != channels) {
      throw new IllegalArgumentException("--mean and --std give " + mean.length + " values: one, or one a "
          + (shape.length == 1 ? "feature (" + channels + ")" : "channel (" + channels + ")"));
    }
    try {
      return Standardizer.of(features, mean, std);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--std: " + e.getMessage(), e);
    }
  }

}
