package io.jgrad.io;

import static io.jgrad.internal.TensorAccess.buffer;

import io.jgrad.DType;
import io.jgrad.Shape;
import io.jgrad.Tensor;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module's weights (parameters and state buffers, by dotted name) as safetensors, the format PyTorch and Hugging
 * Face tools read. Loading checks every name and shape first and changes nothing unless all match.
 */
public final class ModelWeights {
  private ModelWeights() {}

  /** Parameters then buffers, by name, as host copies. */
  public static Map<String, TensorData> export(Module model) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    model.namedParameters().forEach((name, p) -> out.put(name, toData(p.value())));
    model.namedBuffers().forEach((name, slot) -> out.put(name, toData(slot[0])));
    return out;
  }

  public static TensorData toData(Tensor t) {
    int[] shape = t.shape().dims();
    return switch (t.dtype()) {
      case FLOAT32 -> TensorData.ofFloats(shape, t.toFloatArray());
      case FLOAT64 -> TensorData.ofDoubles(shape, t.toDoubleArray());
      case INT32 -> TensorData.ofInts(shape, t.toIntArray());
      case BFLOAT16, FLOAT16 -> TensorData.ofShortBits(t.dtype(), shape, t.toShortBits());
    };
  }

  private static boolean samePattern(DType tensor, SafetensorsDtype file) {
    return (tensor == DType.BFLOAT16 && file == SafetensorsDtype.BF16)
        || (tensor == DType.FLOAT16 && file == SafetensorsDtype.F16);
  }

  /** Writes the weights atomically, with no metadata: PyTorch's {@code torch.save(model.state_dict(), file)}. */
  public static void save(Module model, Path file) throws IOException {
    save(model, file, Map.of());
  }

  /** Writes the weights atomically, with {@code metadata}. */
  public static void save(Module model, Path file, Map<String, String> metadata) throws IOException {
    Safetensors.write(file, export(model), metadata);
  }

  /** Reads {@code file} and copies its tensors into the model (see {@link #apply}). */
  public static void load(Module model, Path file) {
    apply(model, Safetensors.read(file).tensors(), file.toString(), "");
  }

  /**
   * Copies {@code tensors[prefix + name]} into each parameter and buffer of the model, converting float precision
   * where needed. Every model name must be present with its shape and no other name may start with the prefix;
   * otherwise nothing is copied and the error lists every mismatch.
   */
  public static void apply(Module model, Map<String, TensorData> tensors, String source, String prefix) {
    Map<String, Tensor> targets = check(model, tensors, source, prefix);
    targets.forEach((name, t) -> upload(t, tensors.get(prefix + name)));
    model.namedParameters().values().forEach(Parameter::valueChanged);
  }

  /** Copies {@code d} into {@code t} (of its shape), converting float precision where needed. */
  public static void upload(Tensor t, TensorData d) {
    if (d.dtype() == SafetensorsDtype.F64) { // the backend rounds or widens to the tensor's dtype
      t.backend().upload(buffer(t), d.toDoubles());
    } else if (samePattern(t.dtype(), d.dtype())) { // 16 bits to 16 bits of one kind: the patterns, NaNs included
      t.backend().upload(buffer(t), d.toShortBits());
    } else if (d.dtype() == SafetensorsDtype.I64 && t.dtype().isFloating()) { // PyTorch's num_batches_tracked
      t.backend().upload(buffer(t), Arrays.stream(d.toLongs()).asDoubleStream().toArray());
    } else {
      t.backend().upload(buffer(t), d.toFloats());
    }
  }

  /**
   * Throws what {@link #apply} would, copying nothing; returns the model's tensors by name.
   *
   * @throws IllegalArgumentException listing every missing, unexpected or misshapen tensor
   */
  public static Map<String, Tensor> check(Module model, Map<String, TensorData> tensors, String source, String prefix) {
    Map<String, Tensor> targets = new LinkedHashMap<>();
    model.namedParameters().forEach((name, p) -> targets.put(name, p.value()));
    model.namedBuffers().forEach((name, slot) -> targets.put(name, slot[0]));
    List<String> problems = new ArrayList<>();
    targets.forEach((name, t) -> {
      TensorData d = tensors.get(prefix + name);
      if (d == null) {
        problems.add("missing " + name + " " + t.shape());
      } else if (!Arrays.equals(d.shape(), t.shape().dims())) {
        problems.add(name + ": file has " + Shape.of(d.shape()) + ", model has " + t.shape());
      }
    });
    tensors.keySet().stream()
        .filter(k -> k.startsWith(prefix) && !targets.containsKey(k.substring(prefix.length())))
        .forEach(k -> problems.add("unexpected " + k.substring(prefix.length()) + " (not in the model)"));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          source + " does not match the model: " + problems.size() + " mismatch(es): " + String.join("; ", problems));
    }
    return targets;
  }
}
