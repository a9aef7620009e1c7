package io.jgrad.examples;

import io.jgrad.Backend;
import io.jgrad.BackendOptions;
import io.jgrad.Backends;
import io.jgrad.tools.JsonLine;
import io.jgrad.tools.OnnxExport;
import io.jgrad.tools.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jgrad export}: a model file as an ONNX model ({@link OnnxExport}), to run where jgrad does not: ONNX Runtime,
 * TensorRT, OpenVINO, onnxruntime-web. Prints one JSON line saying what was written.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a model file as an ONNX model that takes the raw inputs predict takes.",
    footer = {"The ONNX model's input is 'input', float [N, ...the model's input shape]: pixels in [0, 1] as [N, C, H, "
        + "W] for images, a table's features in the recorded column order with text columns one-hot encoded. It "
        + "standardises them as predict does and outputs 'logits' and 'probabilities' (a classifier) or 'value' in the "
        + "target's units (a regression model). ONNX operator set " + OnnxExport.OPSET + "."})
final class ExportCommand implements Callable<Integer> {

  @Mixin ModelFileOption modelFile;

  @Option(names = "--output", required = true, paramLabel = "FILE.onnx", description = "the ONNX file to write "
      + "(replaced whole, never left half-written)")
  Path output;

  @Override
  public Integer call() throws IOException {
    new OutputPaths().add("--output", output);
    if (Files.exists(output) && Files.isSameFile(output, modelFile.path)) {
      throw new IllegalArgumentException("--output " + output + " is the model file itself: write the ONNX model "
          + "beside it");
    }
    // The weights are only read: the reference backend needs no JIT and no device.
    try (Backend backend = Backends.create("cpu-scalar", BackendOptions.defaults());
        Predictor predictor = Predictor.load(modelFile.path, backend)) {
      OnnxExport.write(predictor, output);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("event", "export");
      line.put("model", modelFile.path.toString());
      line.put("onnx", output.toString());
      line.put("opset", OnnxExport.OPSET);
      line.put("input_shape", predictor.description().architecture().inputShape());
      line.put("outputs", predictor.description().isRegression() ? List.of("value")
          : List.of("logits", "probabilities"));
      line.put("bytes", Files.size(output));
      System.out.println(JsonLine.of(line));
    }
    return 0;
  }
}
